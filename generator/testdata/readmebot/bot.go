// Package bot answers "ping" with "pong": it listens to its main channel and
// replies to every note that mentions it with "ping".
package bot

import (
	"context"
	"log"
	"strings"

	"example.com/mybot/misskey"
)

// Run answers mentions until ctx ends.
func Run(ctx context.Context, c *misskey.Client) error {
	stream, err := c.Stream(ctx)
	if err != nil {
		return err
	}
	defer stream.Close()
	if _, err := stream.Main(); err != nil {
		return err
	}
	for ev := range stream.Events() {
		note, ok := ev.Value.(*misskey.StreamMention) // a Note that mentions the bot
		if !ok || note.Text == nil || !strings.Contains(*note.Text, "ping") {
			continue
		}
		_, err := c.NotesCreate(ctx, &misskey.NotesCreateRequest{
			ReplyID: misskey.Value(note.ID),
			Text:    misskey.Value("pong"),
		})
		if err != nil {
			log.Printf("replying to %s: %v", note.ID, err) // and go on
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	return stream.Err()
}
