package templates

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// pages serves items "n0" … "n<total-1>" newest first, limit at a time,
// starting after untilID, and records the untilIds it was asked for.
type pages struct {
	total, limit int
	asked        []string
	failAt       int // fail the call with this index (1-based); 0: never
}

func (p *pages) fetch(_ context.Context, untilID string) ([]string, error) {
	p.asked = append(p.asked, untilID)
	if p.failAt == len(p.asked) {
		return nil, errors.New("boom")
	}
	start := 0
	if untilID != "" {
		fmt.Sscanf(untilID, "n%d", &start)
		start++
	}
	var out []string
	for i := start; i < p.total && len(out) < p.limit; i++ {
		out = append(out, fmt.Sprintf("n%d", i))
	}
	return out, nil
}

func id(s *string) string { return *s }

func TestPaginate(t *testing.T) {
	ctx := context.Background()

	p := &pages{total: 10, limit: 4}
	var got []string
	for v, err := range paginate(ctx, 4, p.fetch, id) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if len(got) != 10 || got[9] != "n9" {
		t.Errorf("items %v", got)
	}
	if fmt.Sprint(p.asked) != "[ n3 n7]" { // the third page is short: no fourth request
		t.Errorf("untilIds %q", p.asked)
	}

	// Without a limit the walk ends at the first empty page.
	p = &pages{total: 8, limit: 4}
	n := 0
	for range paginate(ctx, 0, p.fetch, id) {
		n++
	}
	if n != 8 || len(p.asked) != 3 {
		t.Errorf("no limit: %d items, %d requests", n, len(p.asked))
	}

	// Stopping early sends no further request.
	p = &pages{total: 100, limit: 4}
	for v := range paginate(ctx, 4, p.fetch, id) {
		if v == "n5" {
			break
		}
	}
	if len(p.asked) != 2 {
		t.Errorf("early stop: %d requests", len(p.asked))
	}

	// An error is yielded once and ends the walk.
	p = &pages{total: 100, limit: 4, failAt: 2}
	var errs int
	for _, err := range paginate(ctx, 4, p.fetch, id) {
		if err != nil {
			errs++
		}
	}
	if errs != 1 || len(p.asked) != 2 {
		t.Errorf("error: %d errors, %d requests", errs, len(p.asked))
	}

	// A cancelled context ends the walk with its error.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	for _, err := range paginate(cctx, 4, (&pages{total: 10, limit: 4}).fetch, id) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: %v", err)
		}
	}

	// A server that repeats the same last id cannot make the walk loop.
	same := func(context.Context, string) ([]string, error) { return []string{"a", "b"}, nil }
	n = 0
	for range paginate(ctx, 2, same, id) {
		n++
	}
	if n != 4 {
		t.Errorf("stuck cursor: %d items, want 4 (two pages, then stop)", n)
	}
}
