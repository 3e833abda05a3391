package templates

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The benchmarks compare one generated-style call with the same call written
// by hand with net/http and encoding/json, against the same server:
//
//	go test -run xxx -bench . -benchmem ./templates

// benchNoteJSON is a note as notes/create answers it (trimmed from a
// recording).
const benchNoteJSON = `{"createdNote":{"id":"atyp02ctugj8001s","createdAt":"2026-11-24T10:14:05.693Z","userId":"atyoo6b2k1b80001","user":{"id":"atyoo6b2k1b80001","name":"Administrator","username":"admin","host":null,"avatarUrl":"http://127.0.0.1:3000/identicon/admin@127.0.0.1:3000","avatarBlurhash":null,"avatarDecorations":[],"isBot":false,"isCat":false,"emojis":{},"onlineStatus":"online","badgeRoles":[]},"text":"hello from the benchmark","cw":null,"visibility":"public","localOnly":false,"reactionAcceptance":null,"renoteCount":0,"repliesCount":0,"reactionCount":0,"reactions":{},"reactionEmojis":{},"fileIds":[],"files":[],"replyId":null,"renoteId":null,"clippedCount":0}}`

// Generated-style types.
type benchCreateReq struct {
	Text       Optional[string] `json:"text,omitzero"`
	CW         Optional[string] `json:"cw,omitzero"`
	Visibility string           `json:"visibility,omitempty"`
	LocalOnly  bool             `json:"localOnly,omitempty"`
}

type benchUser struct {
	ID             string  `json:"id"`
	Name           *string `json:"name"`
	Username       string  `json:"username"`
	Host           *string `json:"host"`
	AvatarURL      *string `json:"avatarUrl"`
	AvatarBlurhash *string `json:"avatarBlurhash"`
	IsBot          bool    `json:"isBot"`
	IsCat          bool    `json:"isCat"`
	OnlineStatus   string  `json:"onlineStatus"`
}

type benchNote struct {
	ID           string           `json:"id"`
	CreatedAt    time.Time        `json:"createdAt"`
	UserID       string           `json:"userId"`
	User         benchUser        `json:"user"`
	Text         *string          `json:"text"`
	CW           *string          `json:"cw"`
	Visibility   string           `json:"visibility"`
	LocalOnly    bool             `json:"localOnly"`
	RenoteCount  int64            `json:"renoteCount"`
	RepliesCount int64            `json:"repliesCount"`
	Reactions    map[string]int64 `json:"reactions"`
	FileIDs      []string         `json:"fileIds"`
	ReplyID      *string          `json:"replyId"`
	RenoteID     *string          `json:"renoteId"`
}

type benchCreateResp struct {
	CreatedNote benchNote `json:"createdNote"`
}

// Hand-written types: the same, with plain fields and the token as a field.
type handCreateReq struct {
	I          string `json:"i"`
	Text       string `json:"text,omitempty"`
	CW         string `json:"cw,omitempty"`
	Visibility string `json:"visibility,omitempty"`
	LocalOnly  bool   `json:"localOnly,omitempty"`
}

func benchServer(b *testing.B) *httptest.Server {
	body := []byte(benchNoteJSON)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// handCall is what a careful programmer writes without a client library.
func handCall(ctx context.Context, hc *http.Client, base, endpoint string, req, resp any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/"+endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", "hand-written/1")
	hresp, err := hc.Do(hreq)
	if err != nil {
		return err
	}
	defer hresp.Body.Close()
	if hresp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", hresp.StatusCode)
	}
	if err := json.NewDecoder(hresp.Body).Decode(resp); err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, hresp.Body) // let the connection be reused
	return err
}

func BenchmarkHandWritten(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()
	hc := http.DefaultClient
	b.ReportAllocs()
	for b.Loop() {
		req := &handCreateReq{I: testToken, Text: "hello from the benchmark", CW: "cw", Visibility: "public"}
		var resp benchCreateResp
		if err := handCall(ctx, hc, srv.URL, "notes/create", req, &resp); err != nil {
			b.Fatal(err)
		}
		if resp.CreatedNote.ID == "" {
			b.Fatal("not decoded")
		}
	}
}

// BenchmarkEncodeRequest isolates the request encoding (token splice
// included) from the network.
func BenchmarkEncodeRequest(b *testing.B) {
	c := NewClient("https://example.com", WithToken(testToken))
	req := &benchCreateReq{Text: Value("hello from the benchmark"), CW: Value("cw"), Visibility: "public"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.encodeRequest("notes/create", req); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHandEncodeRequest(b *testing.B) {
	req := &handCreateReq{I: testToken, Text: "hello from the benchmark", CW: "cw", Visibility: "public"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(req); err != nil {
			b.Fatal(err)
		}
	}
}
