package generator_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/misskey-gen/misskey-gen/generator"
	"github.com/misskey-gen/misskey-gen/internal/gentest"
)

// TestGeneratedPagingIterator generates the package for testdata/openapi.json
// into a temporary module and runs, there, tests of All(ctx,
// c.NotesTimeline, req) against a fake server: which untilId each request
// sends, which notes are yielded (also when the server drops notes from a
// page, as Misskey does), and that stopping the range (or the context)
// stops the requests.
func TestGeneratedPagingIterator(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: builds a generated package in a temporary module (-short)")
	}
	t.Parallel()
	files, api := gentest.Generate(t, filepath.Join(gentest.RepoRoot(), "testdata", "openapi.json"), "misskey")
	var pager bool
	for _, ep := range api.Endpoints {
		if ep.Name == "notes/timeline" {
			pager = ep.Pager != nil && ep.Pager.Until != nil && ep.Pager.Limit != nil && ep.Pager.ID.JSONName == "id"
		}
	}
	if !pager {
		t.Fatal("notes/timeline has no pager with untilId and limit in the model")
	}
	m := gentest.NewModule(t)
	m.AddPackage(t, "misskey", files)
	m.AddFile(t, "misskey", "paging_external_test.go", []byte(pagingTestSource))
	out, err := m.Go(nil, "test", "-count=1", "-v", "-run", "^TestNotesTimelineAll", "./misskey")
	if err != nil {
		t.Fatalf("go test in the generated module: %v\n%s", err, out)
	}
	for _, name := range []string{"Pages", "ShortPages", "NoLimit", "BreakStops", "ContextAndRequest"} {
		if !strings.Contains(out, "--- PASS: TestNotesTimelineAll"+name+" ") {
			t.Errorf("TestNotesTimelineAll%s did not pass in the generated module:\n%s", name, out)
		}
	}
}

// TestDownstreamExampleIsCurrent keeps examples/downstream honest: its
// committed client must be what its api.json generates now (the check its
// own CI would run: misskey-gen -spec api.json -out ./misskey -check), and
// the example, which posts a note and pages the timeline with that client,
// must build and vet. The example is its own module, so the repository's
// go vet ./... does not reach it; this test does.
func TestDownstreamExampleIsCurrent(t *testing.T) {
	dir := filepath.Join(gentest.RepoRoot(), "examples", "downstream")
	data, err := os.ReadFile(filepath.Join(dir, "api.json"))
	if err != nil {
		t.Fatal(err)
	}
	importPath, err := generator.ImportPathOf(filepath.Join(dir, "misskey"))
	if err != nil {
		t.Fatal(err)
	}
	files, _, err := generator.Generate(&generator.Input{Name: "api.json", Data: data}, generator.Options{Package: "misskey", ImportPath: importPath})
	if err != nil {
		t.Fatal(err)
	}
	drift, err := generator.Check(filepath.Join(dir, "misskey"), files)
	if err != nil {
		t.Fatal(err)
	}
	if !drift.Empty() {
		t.Fatalf("examples/downstream/misskey is not what examples/downstream/api.json generates; run go generate ./... in examples/downstream:\n%s\n%s", drift.Summary(), drift.Diff)
	}

	if testing.Short() {
		t.Skip("skipping the build of the example module (-short)")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("skipping the build of the example module: no go command")
	}
	cmd := exec.Command(goTool, "vet", "./...")
	cmd.Dir = dir
	// readonly: the test must not rewrite the example's go.mod or go.sum.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet ./... in examples/downstream: %v\n%s", err, out)
	}
}

// pagingTestSource is a test file of the generated package.
const pagingTestSource = `package misskey_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"example.com/gentest/misskey"
)

// timelineServer serves notes/timeline from a timeline of total notes, n0
// (newest) to n<total-1> (oldest), pageSize at a time (or the request's
// limit), and records the body of every request.
type timelineServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []map[string]any
}

func newTimelineServer(t *testing.T, total, pageSize int) *timelineServer {
	return newFilteringServer(t, total, pageSize, nil)
}

// newFilteringServer is newTimelineServer where the notes in hidden are
// read but not answered, as Misskey drops notes the caller may not see (or
// notifications whose note was deleted) after reading a page.
func newFilteringServer(t *testing.T, total, pageSize int, hidden map[int]bool) *timelineServer {
	s := &timelineServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/notes/timeline" {
			t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
			http.Error(w, "no", http.StatusNotFound)
			return
		}
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("request body: %v", err)
		}
		s.mu.Lock()
		s.requests = append(s.requests, body)
		s.mu.Unlock()
		limit := pageSize
		if l, ok := body["limit"].(float64); ok {
			limit = int(l)
		}
		start := 0
		if until, ok := body["untilId"].(string); ok {
			if _, err := fmt.Sscanf(until, "n%d", &start); err != nil {
				t.Errorf("untilId %q", until)
			}
			start++ // the page starts after (older than) untilId
		}
		page := []map[string]any{}
		for i := start; i < total && i < start+limit; i++ {
			if hidden[i] {
				continue
			}
			page = append(page, map[string]any{
				"id":                 fmt.Sprintf("n%d", i),
				"createdAt":          "2026-01-02T03:04:05.000Z",
				"userId":             "u1",
				"user":               map[string]any{"id": "u1", "username": "alice", "name": nil, "avatarUrl": nil, "avatarBlurhash": nil, "emojis": map[string]any{}, "onlineStatus": "unknown"},
				"text":               fmt.Sprintf("note %d", i),
				"visibility":         "public",
				"reactionAcceptance": nil,
				"reactionCount":      0,
				"reactionEmojis":     map[string]any{},
				"reactions":          map[string]any{},
				"renoteCount":        0,
				"repliesCount":       0,
			})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(page)
	}))
	t.Cleanup(s.Close)
	return s
}

// untilIDs returns the untilId of each request ("" when absent).
func (s *timelineServer) untilIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []string{}
	for _, r := range s.requests {
		u, _ := r["untilId"].(string)
		out = append(out, u)
	}
	return out
}

func (s *timelineServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

func ids(prefix string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, fmt.Sprintf("%s%d", prefix, i))
	}
	return out
}

// Three full pages of 4, a short page of 2 and an empty one: five
// requests, each following the last id of the page before, and all 14 notes
// in order.
func TestNotesTimelineAllPages(t *testing.T) {
	srv := newTimelineServer(t, 14, 100)
	c := misskey.NewClient(srv.URL, misskey.WithToken("tok"))
	var got []string
	for n, err := range misskey.All(context.Background(), c.NotesTimeline, &misskey.NotesTimelineRequest{Limit: misskey.Ptr[int64](4)}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n.ID)
	}
	if want := ids("n", 0, 14); !slices.Equal(got, want) {
		t.Errorf("notes = %q, want %q", got, want)
	}
	if got, want := srv.untilIDs(), []string{"", "n3", "n7", "n11", "n13"}; !slices.Equal(got, want) {
		t.Errorf("untilIds sent = %q, want %q", got, want)
	}
	srv.mu.Lock()
	for i, r := range srv.requests {
		if r["limit"] != float64(4) || r["i"] != "tok" {
			t.Errorf("request %d: limit %v, token %v", i, r["limit"], r["i"])
		}
	}
	srv.mu.Unlock()
}

// A page the server shortened by dropping notes after reading it (12 notes
// where the 3 newest and two in the middle are hidden, limit 5) is not the
// last: the walk goes on from its last id and finds every visible note.
func TestNotesTimelineAllShortPages(t *testing.T) {
	hidden := map[int]bool{0: true, 1: true, 2: true, 6: true, 7: true}
	srv := newFilteringServer(t, 12, 100, hidden)
	c := misskey.NewClient(srv.URL)
	var got []string
	for n, err := range misskey.All(context.Background(), c.NotesTimeline, &misskey.NotesTimelineRequest{Limit: misskey.Ptr[int64](5)}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n.ID)
	}
	if want := []string{"n3", "n4", "n5", "n8", "n9", "n10", "n11"}; !slices.Equal(got, want) {
		t.Errorf("notes = %q, want %q", got, want)
	}
	if got, want := srv.untilIDs(), []string{"", "n4", "n9", "n11"}; !slices.Equal(got, want) {
		t.Errorf("untilIds sent = %q, want %q", got, want)
	}
}

// Without a limit the walk stops at the empty page after the last.
func TestNotesTimelineAllNoLimit(t *testing.T) {
	srv := newTimelineServer(t, 7, 3)
	c := misskey.NewClient(srv.URL)
	var got []string
	for n, err := range misskey.All(context.Background(), c.NotesTimeline, nil) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n.ID)
	}
	if want := ids("n", 0, 7); !slices.Equal(got, want) {
		t.Errorf("notes = %q, want %q", got, want)
	}
	if got, want := srv.untilIDs(), []string{"", "n2", "n5", "n6"}; !slices.Equal(got, want) {
		t.Errorf("untilIds sent = %q, want %q", got, want)
	}
}

// Breaking out of the range stops the requests: breaking on the last note
// of the first page makes one request, breaking inside the second page two.
func TestNotesTimelineAllBreakStops(t *testing.T) {
	for _, tc := range []struct{ take, requests int }{{1, 1}, {4, 1}, {5, 2}, {9, 3}} {
		srv := newTimelineServer(t, 14, 100)
		c := misskey.NewClient(srv.URL)
		var got []string
		for n, err := range misskey.All(context.Background(), c.NotesTimeline, &misskey.NotesTimelineRequest{Limit: misskey.Ptr[int64](4)}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, n.ID)
			if len(got) == tc.take {
				break
			}
		}
		if want := ids("n", 0, tc.take); !slices.Equal(got, want) {
			t.Errorf("take %d: notes = %q, want %q", tc.take, got, want)
		}
		if n := srv.count(); n != tc.requests {
			t.Errorf("take %d: %d requests, want %d (untilIds %q)", tc.take, n, tc.requests, srv.untilIDs())
		}
	}
}

// The request passed in is not modified, and an ended context ends the
// walk with its error.
func TestNotesTimelineAllContextAndRequest(t *testing.T) {
	srv := newTimelineServer(t, 14, 100)
	c := misskey.NewClient(srv.URL)
	req := &misskey.NotesTimelineRequest{Limit: misskey.Ptr[int64](4)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []string
	var gotErr error
	for n, err := range misskey.All(ctx, c.NotesTimeline, req) {
		if err != nil {
			gotErr = err
			break
		}
		got = append(got, n.ID)
		if len(got) == 4 {
			cancel() // after the first page
		}
	}
	if !errors.Is(gotErr, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", gotErr)
	}
	if len(got) != 4 || srv.count() != 1 {
		t.Errorf("%d notes, %d requests after cancelling; want 4 and 1", len(got), srv.count())
	}
	if req.UntilID != nil {
		t.Errorf("the caller's request was modified: untilId %v", req.UntilID)
	}
}
`
