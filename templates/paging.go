package templates

import (
	"context"
	"iter"
)

// pageRequest is a request of an endpoint that pages backwards with
// untilId. The generated request types implement it.
type pageRequest interface {
	setUntilID(id string)
}

// pageItem is an element of such an endpoint's answer: it has an id.
type pageItem interface {
	pageID() string
}

// All walks every page of an endpoint that pages backwards with untilId,
// from the newest item to the oldest, and yields each item:
//
//	for n, err := range misskey.All(ctx, c.NotesTimeline, &misskey.NotesTimelineRequest{Limit: misskey.Ptr[int64](100)}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(n.ID, n.CreatedAt)
//	}
//
// call is the endpoint's method (c.NotesTimeline); any endpoint whose
// request takes untilId and whose answer is a list of objects with an id
// fits, and the compiler refuses others. req may be nil; it is copied, never
// modified.
//
// A page shorter than the limit does not end the walk: Misskey reads
// limit items and then drops those the caller may not see (notes of muted
// or blocked users, notifications whose note was deleted), so a short page
// is often not the last. The walk ends after an empty page, at the first
// error (which it yields), when the caller stops ranging, when ctx ends,
// or when a page makes no progress (its last id is the one asked for).
func All[Req any, PReq interface {
	*Req
	pageRequest
}, Item any, PItem interface {
	*Item
	pageItem
}](ctx context.Context, call func(context.Context, PReq) ([]Item, error), req PReq) iter.Seq2[Item, error] {
	return func(yield func(Item, error) bool) {
		var r Req
		if req != nil {
			r = *req
		}
		var zero Item
		untilID := ""
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			page, err := call(ctx, PReq(&r))
			if err != nil {
				yield(zero, err)
				return
			}
			for i := range page {
				if !yield(page[i], nil) {
					return
				}
			}
			if len(page) == 0 {
				return
			}
			next := PItem(&page[len(page)-1]).pageID()
			if next == "" || next == untilID {
				return // no progress possible: stop rather than loop
			}
			untilID = next
			PReq(&r).setUntilID(untilID)
		}
	}
}
