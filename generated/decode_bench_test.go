package misskey

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Benchmarks of the generated client's decoding and of a whole call, with
// the figures README.md quotes:
//
//	go test ./generated -run '^$' -bench 'DecodeTimeline|CallVsHandWritten|DeepCondFormula' -benchmem
//
// "lossless" is this package: generated decoders that keep every member and
// report misfits. "previous" is encoding/json into plain structs with the
// fields of Note as misskey-gen generated them before (prevNote below):
// how the client decoded until it became lossless, and what a person
// writes by hand with encoding/json.

// prevNote and the types it uses are plain structs, decoded by reflection.
type prevNote struct {
	Channel            *prevChannel      `json:"channel,omitzero"`
	ChannelID          *string           `json:"channelId,omitzero"`
	ClippedCount       *float64          `json:"clippedCount,omitzero"`
	CreatedAt          time.Time         `json:"createdAt"`
	CW                 *string           `json:"cw,omitzero"`
	DeletedAt          *time.Time        `json:"deletedAt,omitzero"`
	Emojis             map[string]string `json:"emojis,omitzero"`
	FileIDs            []string          `json:"fileIds,omitzero"`
	Files              []prevDriveFile   `json:"files,omitzero"`
	HTML               *string           `json:"html,omitzero"`
	ID                 string            `json:"id"`
	IsHidden           *bool             `json:"isHidden,omitzero"`
	LocalOnly          *bool             `json:"localOnly,omitzero"`
	Mentions           []string          `json:"mentions,omitzero"`
	MyReaction         *string           `json:"myReaction,omitzero"`
	Poll               *prevPoll         `json:"poll,omitzero"`
	ReactionAcceptance *string           `json:"reactionAcceptance"`
	ReactionCount      int64             `json:"reactionCount"`
	ReactionEmojis     map[string]string `json:"reactionEmojis"`
	Reactions          map[string]int64  `json:"reactions"`
	Renote             *prevNote         `json:"renote,omitzero"`
	RenoteCount        int64             `json:"renoteCount"`
	RenoteID           *string           `json:"renoteId,omitzero"`
	RepliesCount       int64             `json:"repliesCount"`
	Reply              *prevNote         `json:"reply,omitzero"`
	ReplyID            *string           `json:"replyId,omitzero"`
	Tags               []string          `json:"tags,omitzero"`
	Text               *string           `json:"text"`
	URI                *string           `json:"uri,omitzero"`
	URL                *string           `json:"url,omitzero"`
	User               prevUser          `json:"user"`
	UserID             string            `json:"userId"`
	Visibility         string            `json:"visibility"`
	VisibleUserIDs     []string          `json:"visibleUserIds,omitzero"`
}

type prevUser struct {
	AvatarBlurhash    *string           `json:"avatarBlurhash"`
	AvatarDecorations []map[string]any  `json:"avatarDecorations"`
	AvatarURL         *string           `json:"avatarUrl"`
	Emojis            map[string]string `json:"emojis"`
	Host              *string           `json:"host"`
	ID                string            `json:"id"`
	Instance          *struct {
		IconURL      *string `json:"iconUrl"`
		Name         *string `json:"name"`
		SoftwareName *string `json:"softwareName"`
		ThemeColor   *string `json:"themeColor"`
	} `json:"instance,omitzero"`
	IsBot        *bool   `json:"isBot,omitzero"`
	IsCat        *bool   `json:"isCat,omitzero"`
	Name         *string `json:"name"`
	OnlineStatus string  `json:"onlineStatus"`
	Username     string  `json:"username"`
}

type prevDriveFile struct {
	Blurhash    *string   `json:"blurhash"`
	Comment     *string   `json:"comment"`
	CreatedAt   time.Time `json:"createdAt"`
	FolderID    *string   `json:"folderId"`
	ID          string    `json:"id"`
	IsSensitive bool      `json:"isSensitive"`
	Md5         string    `json:"md5"`
	Name        string    `json:"name"`
	Properties  struct {
		AvgColor    *string  `json:"avgColor,omitzero"`
		Height      *float64 `json:"height,omitzero"`
		Orientation *int64   `json:"orientation,omitzero"`
		Width       *float64 `json:"width,omitzero"`
	} `json:"properties"`
	Size         int64     `json:"size"`
	ThumbnailURL *string   `json:"thumbnailUrl"`
	Type         string    `json:"type"`
	URL          string    `json:"url"`
	User         *prevUser `json:"user,omitzero"`
	UserID       *string   `json:"userId"`
}

type prevPoll struct {
	Choices []struct {
		IsVoted bool   `json:"isVoted"`
		Text    string `json:"text"`
		Votes   int64  `json:"votes"`
	} `json:"choices"`
	ExpiresAt *time.Time `json:"expiresAt,omitzero"`
	Multiple  bool       `json:"multiple"`
}

type prevChannel struct {
	ID                    string  `json:"id"`
	Name                  string  `json:"name"`
	Color                 string  `json:"color"`
	IsSensitive           bool    `json:"isSensitive"`
	AllowRenoteToExternal bool    `json:"allowRenoteToExternal"`
	UserID                *string `json:"userId"`
}

// timeline returns n recorded notes from ../shared/recordings as one JSON
// array, or skips.
func timeline(tb testing.TB, n int) []byte {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "recordings", "*", "http", "*timeline*.json"))
	slices.Sort(files)
	var notes []json.RawMessage
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var rec struct {
			Body json.RawMessage `json:"body"`
		}
		var body []json.RawMessage
		if json.Unmarshal(data, &rec) == nil && json.Unmarshal(rec.Body, &body) == nil {
			notes = append(notes, body...)
		}
	}
	if len(notes) < n {
		tb.Skipf("skipping: %d recorded notes in ../shared/recordings, need %d", len(notes), n)
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i, raw := range notes[:n] {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := json.Compact(&b, raw); err != nil {
			tb.Fatal(err)
		}
	}
	b.WriteByte(']')
	return b.Bytes()
}

func BenchmarkDecodeTimeline(b *testing.B) {
	body := timeline(b, 100)
	ctx := context.Background()
	b.Run("lossless", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var notes []Note
			target := jsonTarget(&notes, func(p *[]Note, d *jsonDecoder) bool { return decSlice(p, d, (*Note).decodeJSON) })
			if _, err := decodeJSONValue(ctx, body, target, false); err != nil || len(notes) != 100 {
				b.Fatal(err)
			}
		}
	})
	b.Run("previous", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var notes []prevNote
			if err := json.Unmarshal(body, &notes); err != nil || len(notes) != 100 {
				b.Fatal(err)
			}
		}
	})
}

// TestDecodeTimelineKeepsEverything is the check behind the benchmark: the
// lossless decode of the timeline re-encodes to JSON equal to what was
// recorded, and the previous decoding does not.
func TestDecodeTimelineKeepsEverything(t *testing.T) {
	body := timeline(t, 100)
	var notes []Note
	if err := json.Unmarshal(body, &notes); err != nil {
		t.Fatal(err)
	}
	again, err := json.Marshal(notes)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, body, again) {
		t.Error("the timeline changed on decode → encode")
	}
	var prev []prevNote
	if err := json.Unmarshal(body, &prev); err != nil {
		t.Fatal(err)
	}
	if lossy, _ := json.Marshal(prev); sameJSON(t, body, lossy) {
		t.Error("the previous decoding kept everything too: the benchmark compares nothing")
	}
}

func sameJSON(t testing.TB, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(x) == fmt.Sprint(y)
}

// createdNoteJSON is a note as notes/create answers it (from a recording).
const createdNoteJSON = `{"createdNote":{"id":"atyp02ctugj8001s","createdAt":"2026-11-24T10:14:05.693Z","userId":"atyoo6b2k1b80001","user":{"id":"atyoo6b2k1b80001","name":"Administrator","username":"admin","host":null,"avatarUrl":"http://127.0.0.1:3000/identicon/admin@127.0.0.1:3000","avatarBlurhash":null,"avatarDecorations":[],"isBot":false,"isCat":false,"emojis":{},"onlineStatus":"online","badgeRoles":[]},"text":"hello from the benchmark","cw":null,"visibility":"public","localOnly":false,"reactionAcceptance":null,"renoteCount":0,"repliesCount":0,"reactionCount":0,"reactions":{},"reactionEmojis":{},"fileIds":[],"files":[],"replyId":null,"renoteId":null,"clippedCount":0}}`

// handCreateReq and handCreateResp are what a careful programmer writes
// without a client library.
type handCreateReq struct {
	I          string `json:"i"`
	Text       string `json:"text,omitempty"`
	CW         string `json:"cw,omitempty"`
	Visibility string `json:"visibility,omitempty"`
}

type handCreateResp struct {
	CreatedNote prevNote `json:"createdNote"`
}

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

// BenchmarkCallVsHandWritten alternates one notes/create call through the
// generated client with the same call written by hand with net/http and
// encoding/json, against the same server, so that both see the same load,
// and reports the ratio of their median times (time-ratio: at most 1 means
// the client costs nothing) and the difference of their allocations.
func BenchmarkCallVsHandWritten(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		io.WriteString(w, createdNoteJSON)
	}))
	defer srv.Close()
	hc := &http.Client{}
	c := NewClient(srv.URL, WithToken("benchmark-token"), WithHTTPClient(hc))
	ctx := context.Background()
	ours := func() {
		res, err := c.NotesCreate(ctx, &NotesCreateRequest{Text: Value("hello from the benchmark"), CW: Value("cw"), Visibility: Ptr(NoteVisibilityPublic)})
		if err != nil || res.CreatedNote.ID == "" {
			b.Fatal(err)
		}
	}
	hand := func() {
		var resp handCreateResp
		req := &handCreateReq{I: "benchmark-token", Text: "hello from the benchmark", CW: "cw", Visibility: "public"}
		if err := handCall(ctx, hc, srv.URL, "notes/create", req, &resp); err != nil || resp.CreatedNote.ID == "" {
			b.Fatal(err)
		}
	}
	ours() // warm up the connection and the pools
	hand()
	extraAllocs := testing.AllocsPerRun(200, ours) - testing.AllocsPerRun(200, hand)
	var to, th []time.Duration
	for b.Loop() {
		t0 := time.Now()
		ours()
		t1 := time.Now()
		hand()
		t2 := time.Now()
		to, th = append(to, t1.Sub(t0)), append(th, t2.Sub(t1))
	}
	b.ReportMetric(float64(median(to))/float64(median(th)), "time-ratio")
	b.ReportMetric(extraAllocs, "extra-allocs/op")
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// deepRole is a role whose condFormula nests "not" n deep: 6,000 deep is a
// 187 KiB body that took the previous client 18 s (each union level
// decoded its sub-document again).
func deepRole(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"id":"r1","name":"deep","color":null,"iconUrl":null,"description":"","isModerator":false,"isAdministrator":false,"displayOrder":0,` +
		`"createdAt":"2026-01-02T03:04:05.000Z","updatedAt":"2026-01-02T03:04:05.000Z","target":"conditional","isPublic":false,"isExplorable":false,` +
		`"asBadge":false,"canEditMembersByModerator":false,"policies":{},"usersCount":0,"condFormula":`)
	for i := range n {
		fmt.Fprintf(&b, `{"id":"c%d","type":"not","value":`, i)
	}
	b.WriteString(`{"id":"leaf","type":"isLocal"}`)
	b.WriteString(strings.Repeat("}", n))
	b.WriteString("}")
	return []byte(b.String())
}

// BenchmarkDeepCondFormula decodes deepRole(N) through AdminRolesShow's
// answer type: the time grows linearly with N.
func BenchmarkDeepCondFormula(b *testing.B) {
	for _, n := range []int{1000, 2000, 4000, 8000} {
		body := deepRole(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				var r Role
				if _, err := decodeJSONValue(context.Background(), body, &r, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDeepCondFormula: the 6,000-deep role decodes through the client,
// every level kept, and re-encodes to the same JSON; a context that ends
// stops the decode.
func TestDeepCondFormula(t *testing.T) {
	body := deepRole(6000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	defer srv.Close()
	c := NewClient(srv.URL, WithToken("tok"), WithStrictDecoding())
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	role, err := c.AdminRolesShow(ctx, &AdminRolesShowRequest{RoleID: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	depth := 0
	for f := &role.CondFormula; f.Value != nil; f = f.Value {
		if f.Type != RoleCondFormulaValueTypeNot {
			t.Fatalf("level %d is %q", depth, f.Type)
		}
		depth++
	}
	if depth != 6000 {
		t.Errorf("depth %d, want 6000", depth)
	}
	again, err := json.Marshal(role)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, again, body) {
		t.Error("the role changed on decode → encode")
	}
	var r Role
	cancelled, stop := context.WithCancel(context.Background())
	stop()
	if _, err := decodeJSONValue(cancelled, body, &r, false); err != context.Canceled {
		t.Errorf("decode with an ended context: %v", err)
	}
}
