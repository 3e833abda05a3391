package misskeytest

import (
	"crypto/rand"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	misskey "github.com/misskey-gen/misskey-gen/templates"
)

// The state of the server's own Misskey: users and their tokens, notes,
// reactions, follows, notifications and drive files. It is guarded by
// Server.mu. Answers are built from it as JSON shaped like the entities
// Misskey packs (see pack.go).

type state struct {
	baseURL string
	lastMs  int64
	seq     uint64

	users     map[string]*user // by id
	usernames map[string]*user // by lower-case username
	userOrder []*user
	tokens    map[string]*token

	notes     map[string]*note // by id, deleted ones removed
	noteOrder []*note          // by id (creation order)

	follows []*follow

	notifications []*notification
	files         map[string]*driveFile
	fileOrder     []*driveFile
}

func newState() *state {
	return &state{
		users:     map[string]*user{},
		usernames: map[string]*user{},
		tokens:    map[string]*token{},
		notes:     map[string]*note{},
		files:     map[string]*driveFile{},
	}
}

// now returns the server's time: wall time in milliseconds, never going
// back.
func (st *state) now() time.Time {
	ms := time.Now().UnixMilli()
	if ms < st.lastMs {
		ms = st.lastMs
	}
	st.lastMs = ms
	return time.UnixMilli(ms).UTC()
}

// aidEpoch is the epoch of Misskey's "aid" ids.
var aidEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// newID returns a new id in the style of Misskey's aid: 8 base-36 digits of
// milliseconds since 2000 and 4 of a counter, so that ids sort by creation.
func (st *state) newID(t time.Time) string {
	st.seq++
	ms := t.Sub(aidEpoch).Milliseconds()
	return pad36(uint64(ms), 8) + pad36(st.seq%(36*36*36*36), 4)
}

func pad36(n uint64, width int) string {
	s := strconv.FormatUint(n, 36)
	for len(s) < width {
		s = "0" + s
	}
	return s[len(s)-width:]
}

// host is the server's host, as Misskey writes it in acct and identicon
// URLs.
func (st *state) host() string {
	u, err := url.Parse(st.baseURL)
	if err != nil {
		return "localhost"
	}
	return u.Host
}

// A User is an account of the server.
type User struct {
	ID       string
	Username string
	// Token is an access token of the user with every permission, as a
	// token made in the web client's settings.
	Token string
}

type user struct {
	id        string
	username  string
	name      *string
	isBot     bool
	isCat     bool
	isAdmin   bool
	isLocked  bool
	createdAt time.Time
}

// UserOption sets something of a user made with AddUser.
type UserOption func(*user)

// WithName sets the user's display name (by default they have none).
func WithName(name string) UserOption { return func(u *user) { u.name = &name } }

// AsBot marks the user as a bot account (isBot).
func AsBot() UserOption { return func(u *user) { u.isBot = true } }

// AsCat marks the user as a cat (isCat).
func AsCat() UserOption { return func(u *user) { u.isCat = true } }

// AsAdmin makes the user an administrator (isAdmin and isModerator in
// i).
func AsAdmin() UserOption { return func(u *user) { u.isAdmin = true } }

type token struct {
	value  string
	userID string
	// restricted tokens (made by MiAuth, AddToken) carry permissions and
	// may call only the endpoints that need one of them.
	restricted bool
	perms      []misskey.Permission
}

// allows reports whether the token carries one of perms.
func (t *token) allows(perms []misskey.Permission) bool {
	for _, p := range perms {
		if slices.Contains(t.perms, p) {
			return true
		}
	}
	return false
}

var usernameRe = regexp.MustCompile(`^\w{1,20}$`)

// AddUser creates a local account and returns it with a token that has
// every permission. It panics when the username is not a valid Misskey
// username (letters, digits and _, at most 20) or is taken, which is a
// mistake in the test.
func (s *Server) AddUser(username string, opts ...UserOption) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !usernameRe.MatchString(username) {
		panic(fmt.Sprintf("misskeytest: AddUser: %q is not a valid username", username))
	}
	st := s.st
	if st.usernames[strings.ToLower(username)] != nil {
		panic(fmt.Sprintf("misskeytest: AddUser: username %q is taken", username))
	}
	now := st.now()
	u := &user{id: st.newID(now), username: username, createdAt: now}
	for _, o := range opts {
		o(u)
	}
	st.users[u.id] = u
	st.usernames[strings.ToLower(username)] = u
	st.userOrder = append(st.userOrder, u)
	tok := st.addToken(u.id, false, nil)
	s.notifyLocked()
	return User{ID: u.id, Username: u.username, Token: tok}
}

// AddToken makes a new token of the user that carries only perms, as a
// MiAuth or app token does: calls to endpoints that need another permission
// get PERMISSION_DENIED. It panics when there is no such user.
func (s *Server) AddToken(userID string, perms ...misskey.Permission) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.users[userID] == nil {
		panic("misskeytest: AddToken: no user " + userID)
	}
	return s.st.addToken(userID, true, perms)
}

func (st *state) addToken(userID string, restricted bool, perms []misskey.Permission) string {
	v := randomToken()
	st.tokens[v] = &token{value: v, userID: userID, restricted: restricted, perms: slices.Clone(perms)}
	return v
}

// randomToken returns 16 random letters and digits, like Misskey's tokens.
func randomToken() string {
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("misskeytest: " + err.Error())
	}
	for i := range b {
		b[i] = chars[int(b[i])%len(chars)]
	}
	return string(b[:])
}

// userByName finds a local user by username (case-insensitive).
func (st *state) userByName(name string) *user {
	return st.usernames[strings.ToLower(name)]
}

type note struct {
	id             string
	createdAt      time.Time
	userID         string
	text, cw       *string
	visibility     string
	visibleUserIDs []string
	localOnly      bool
	replyID        string
	renoteID       string
	fileIDs        []string
	mentions       []string // user ids
	tags           []string
	poll           *poll
	acceptance     *string
	reactions      []*reaction // in order
}

type poll struct {
	choices   []string
	multiple  bool
	expiresAt *time.Time
	votes     map[string][]int // by user id
}

type reaction struct {
	id        string
	createdAt time.Time
	userID    string
	reaction  string
}

// isPureRenote reports whether n is a renote without content of its own.
func (n *note) isPureRenote() bool {
	return n.renoteID != "" && n.text == nil && n.cw == nil && len(n.fileIDs) == 0 && n.poll == nil
}

func (n *note) reactionOf(userID string) *reaction {
	for _, r := range n.reactions {
		if r.userID == userID {
			return r
		}
	}
	return nil
}

type follow struct {
	id         string
	createdAt  time.Time
	followerID string
	followeeID string
}

func (st *state) following(follower, followee string) *follow {
	for _, f := range st.follows {
		if f.followerID == follower && f.followeeID == followee {
			return f
		}
	}
	return nil
}

type notification struct {
	id         string
	createdAt  time.Time
	notifieeID string
	typ        string
	notifierID string
	noteID     string
	reaction   string
	read       bool
}

type driveFile struct {
	id          string
	createdAt   time.Time
	userID      string
	name        string
	typ         string
	md5         string
	data        []byte
	isSensitive bool
	comment     *string
	folderID    *string
}

// canSee reports whether viewer ("" for nobody) may read n.
func (st *state) canSee(viewer string, n *note) bool {
	switch n.visibility {
	case "followers":
		return viewer == n.userID || (viewer != "" && st.following(viewer, n.userID) != nil) ||
			slices.Contains(n.mentions, viewer) && viewer != ""
	case "specified":
		return viewer == n.userID || (viewer != "" && (slices.Contains(n.visibleUserIDs, viewer) || slices.Contains(n.mentions, viewer)))
	}
	return true
}

var (
	mentionRe = regexp.MustCompile(`(?:^|[^\w@])@(\w{1,20})(?:@([\w.-]+(?::\d+)?))?`)
	hashtagRe = regexp.MustCompile(`(?:^|[^\w#])#([\p{L}\p{N}_]+)`)
)

// mentionsIn returns the ids of the local users text mentions, in order.
func (st *state) mentionsIn(text string) []string {
	var out []string
	for _, m := range mentionRe.FindAllStringSubmatch(text, -1) {
		if m[2] != "" && m[2] != st.host() {
			continue
		}
		if u := st.userByName(m[1]); u != nil && !slices.Contains(out, u.id) {
			out = append(out, u.id)
		}
	}
	return out
}

// hashtagsIn returns the hashtags of text, lower-cased, without #.
func hashtagsIn(text string) []string {
	var out []string
	for _, m := range hashtagRe.FindAllStringSubmatch(text, -1) {
		t := strings.ToLower(m[1])
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}
