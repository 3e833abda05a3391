package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRun follows a fake server's local timeline: a note arrives, the
// program subscribes to it, and a reaction to it arrives.
func TestRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/streaming" || r.URL.Query().Get("i") != "tok" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		ctx := r.Context()
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				return
			}
			var f struct {
				Type string `json:"type"`
				Body struct {
					Channel string `json:"channel"`
					ID      string `json:"id"`
				} `json:"body"`
			}
			if json.Unmarshal(data, &f) != nil {
				continue
			}
			switch {
			case f.Type == "connect" && f.Body.Channel == "localTimeline":
				note := `{"type":"channel","body":{"id":"` + f.Body.ID + `","type":"note","body":{"id":"n1","createdAt":"2026-01-02T03:04:05.000Z","userId":"u1","user":{"id":"u1","username":"alice","host":null,"name":null,"avatarUrl":null,"avatarBlurhash":null,"isBot":false,"isCat":false,"emojis":{},"onlineStatus":"online"},"text":"hello  world","cw":null,"visibility":"public","reactionAcceptance":null,"renoteCount":0,"repliesCount":0,"reactionCount":0,"reactions":{},"reactionEmojis":{},"fileIds":[],"files":[],"replyId":null,"renoteId":null}}}`
				_ = ws.Write(ctx, websocket.MessageText, []byte(note))
			case f.Type == "subNote" || f.Type == "s" || f.Type == "sr":
				_ = ws.Write(ctx, websocket.MessageText, []byte(`{"type":"noteUpdated","body":{"id":"n1","type":"reacted","body":{"reaction":"👍","userId":"u2"}}}`))
			}
		}
	}))
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, &out, srv.URL, "tok", "local") }()

	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "reacted") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{"@alice: hello world", "u2 reacted 👍 to n1"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
