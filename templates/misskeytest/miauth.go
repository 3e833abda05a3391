package misskeytest

import (
	"html"
	"net/http"
	"strings"

	misskey "github.com/misskey-gen/misskey-gen/templates"
)

// MiAuth: the browser page /miauth/{session}, where a user approves an app,
// and /api/miauth/{session}/check, which hands the app its token once.

type miauthSession struct {
	id          string
	name        string               // the app's name, from the page's query
	permissions []misskey.Permission // what the app asked for, from the page's query
	token       string               // set once approved
	userID      string
	fetched     bool // the token was handed out
}

func (s *Server) miauthLocked(id string) *miauthSession {
	m := s.miauth[id]
	if m == nil {
		m = &miauthSession{id: id}
		s.miauth[id] = m
	}
	return m
}

// ApproveMiAuth approves a MiAuth session as u would in the browser, and
// returns the token the app then gets from MiAuthCheck or MiAuthWait. The
// token carries perms; without perms, the permissions the app asked for in
// the MiAuth URL, if the URL was opened (an http.Get of
// client.MiAuthURL(…) does it), else every permission.
func (s *Server) ApproveMiAuth(session string, u User, perms ...misskey.Permission) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.users[u.ID] == nil {
		panic("misskeytest: ApproveMiAuth: no user " + u.ID)
	}
	m := s.miauthLocked(session)
	if len(perms) == 0 {
		perms = m.permissions
	}
	m.token = s.st.addToken(u.ID, len(perms) > 0, perms)
	m.userID = u.ID
	m.fetched = false
	s.notifyLocked()
	return m.token
}

// MiAuthPermissions returns the permissions an app asked for in the MiAuth
// URL of the session, once that URL was opened.
func (s *Server) MiAuthPermissions(session string) []misskey.Permission {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := s.miauth[session]; m != nil {
		return append([]misskey.Permission(nil), m.permissions...)
	}
	return nil
}

func (s *Server) serveMiAuthPage(w http.ResponseWriter, r *http.Request, session string) {
	if session == "" || strings.Contains(session, "/") {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	s.mu.Lock()
	m := s.miauthLocked(session)
	m.name = q.Get("name")
	m.permissions = nil
	for _, p := range strings.Split(q.Get("permission"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			m.permissions = append(m.permissions, misskey.Permission(p))
		}
	}
	s.notifyLocked()
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte("<!doctype html><title>MiAuth</title><p>misskeytest: " + html.EscapeString(m.name) +
		" asks for " + html.EscapeString(q.Get("permission")) + ". Approve it with Server.ApproveMiAuth.</p>"))
}

func (s *Server) serveMiAuthCheck(w http.ResponseWriter, r *http.Request, session string) {
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.miauth[session]
	if m == nil || m.token == "" || m.fetched {
		writeJSON(w, http.StatusOK, object{"ok": false})
		return
	}
	m.fetched = true
	s.notifyLocked()
	writeJSON(w, http.StatusOK, object{"ok": true, "token": m.token, "user": s.st.packUserDetailed(s.st.users[m.userID], "")})
}

// coreMiAuthGenToken is miauth/gen-token, which the web client calls when
// the user approves: it approves the session for the caller.
func coreMiAuthGenToken(c *callState) (any, error) {
	s := c.s
	var perms []misskey.Permission
	for _, p := range c.strs("permission") {
		perms = append(perms, misskey.Permission(p))
	}
	m := s.miauthLocked(c.str("session"))
	if name := c.str("name"); name != "" {
		m.name = name
	}
	m.token = s.st.addToken(c.userID, true, perms)
	m.userID = c.userID
	m.fetched = false
	return object{"token": m.token}, nil
}
