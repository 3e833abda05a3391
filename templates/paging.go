package templates

import (
	"context"
	"iter"
)

// paginate walks an endpoint that pages backwards with untilId. fetch gets
// the untilId of the next page ("" for the first) and returns that page. The
// walk stops after a page shorter than limit (when limit > 0), after an
// empty page, at the first error (yielded once), when the caller stops
// ranging, or when ctx ends.
func paginate[T any](ctx context.Context, limit int64, fetch func(ctx context.Context, untilID string) ([]T, error), id func(*T) string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		untilID := ""
		for {
			if err := ctx.Err(); err != nil {
				var zero T
				yield(zero, err)
				return
			}
			page, err := fetch(ctx, untilID)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for i := range page {
				if !yield(page[i], nil) {
					return
				}
			}
			if len(page) == 0 || (limit > 0 && int64(len(page)) < limit) {
				return
			}
			next := id(&page[len(page)-1])
			if next == "" || next == untilID {
				return // no progress possible: stop rather than loop
			}
			untilID = next
		}
	}
}
