package templates

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// pageReq and pageNote stand in for a generated request that pages with
// untilId and the items it answers.
type pageReq struct {
	UntilID *string
	Limit   *int64
}

func (r *pageReq) setUntilID(id string) { r.UntilID = &id }

type pageNote struct{ ID string }

func (n *pageNote) pageID() string { return n.ID }

// pageServer serves items "n0" … "n<total-1>" newest first, limit at a
// time, starting after untilId. drop[i] leaves the i-th page short, as
// Misskey does when it filters out notes after reading a page; empty
// answers with no items at all once the items run out.
type pageServer struct {
	total  int
	drop   map[int]int
	asked  []string
	failAt int // fail the call with this index (1-based); 0: never
}

func (p *pageServer) call(_ context.Context, r *pageReq) ([]pageNote, error) {
	until := ""
	if r.UntilID != nil {
		until = *r.UntilID
	}
	p.asked = append(p.asked, until)
	if p.failAt == len(p.asked) {
		return nil, errors.New("boom")
	}
	limit := 10
	if r.Limit != nil {
		limit = int(*r.Limit)
	}
	start := 0
	if until != "" {
		fmt.Sscanf(until, "n%d", &start)
		start++
	}
	end := min(start+limit, p.total)
	var out []pageNote
	for i := start; i < end; i++ {
		out = append(out, pageNote{fmt.Sprintf("n%d", i)})
	}
	if d := p.drop[len(p.asked)]; d > 0 && d < len(out) {
		out = out[d:] // the newest items of the page were filtered out
	}
	return out, nil
}

func collect(t *testing.T, seq func(func(pageNote, error) bool)) ([]string, error) {
	t.Helper()
	var got []string
	var err error
	for n, e := range seq {
		if e != nil {
			err = e
			break
		}
		got = append(got, n.ID)
	}
	return got, err
}

func TestAllWalksEveryPage(t *testing.T) {
	ctx := context.Background()
	limit := int64(4)
	p := &pageServer{total: 10}
	req := &pageReq{Limit: &limit}
	got, err := collect(t, All(ctx, p.call, req))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10 || got[9] != "n9" {
		t.Errorf("items %v", got)
	}
	// The third page is short (2 of 4): the walk still asks once more and
	// ends at the empty page.
	if fmt.Sprint(p.asked) != "[ n3 n7 n9]" {
		t.Errorf("untilIds %q", p.asked)
	}
	if req.UntilID != nil {
		t.Error("All modified the caller's request")
	}
}

// TestAllShortPageIsNotTheEnd is the paging bug of i/notifications: the
// server reads limit items and drops those whose note was deleted, so a
// page can be short in the middle of the list.
func TestAllShortPageIsNotTheEnd(t *testing.T) {
	limit := int64(5)
	p := &pageServer{total: 12, drop: map[int]int{1: 3}} // the first page loses its 3 newest items
	got, err := collect(t, All(context.Background(), p.call, &pageReq{Limit: &limit}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 9 || got[0] != "n3" || got[8] != "n11" {
		t.Errorf("items %v, want the 9 items n3…n11", got)
	}
}

func TestAllStops(t *testing.T) {
	ctx := context.Background()
	limit := int64(3)

	// At the first error, yielded once.
	p := &pageServer{total: 10, failAt: 2}
	got, err := collect(t, All(ctx, p.call, &pageReq{Limit: &limit}))
	if err == nil || err.Error() != "boom" || len(got) != 3 {
		t.Errorf("items %v, err %v", got, err)
	}

	// When the caller stops ranging: no further request.
	p = &pageServer{total: 10}
	for n := range All(ctx, p.call, &pageReq{Limit: &limit}) {
		if n.ID == "n1" {
			break
		}
	}
	if len(p.asked) != 1 {
		t.Errorf("%d requests after break, want 1", len(p.asked))
	}

	// When ctx ends.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p = &pageServer{total: 10}
	var last error
	for n, err := range All(cctx, p.call, &pageReq{Limit: &limit}) {
		if err != nil {
			last = err
			break
		}
		if n.ID == "n2" {
			cancel()
		}
	}
	if !errors.Is(last, context.Canceled) || len(p.asked) != 1 {
		t.Errorf("err %v after %d requests", last, len(p.asked))
	}

	// When a page makes no progress (a server that ignores untilId).
	stuck := func(context.Context, *pageReq) ([]pageNote, error) { return []pageNote{{"a"}, {"b"}}, nil }
	got, err = collect(t, All(ctx, stuck, nil))
	if err != nil || len(got) != 4 {
		t.Errorf("items %v, err %v: want the page twice, then a stop", got, err)
	}
}
