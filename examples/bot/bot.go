package main

import (
	"context"
	"fmt"
	"log"
	"strings"

	misskey "github.com/misskey-gen/misskey-gen/generated"
)

// Bot is a small Misskey bot: it answers notes that mention it, reply to it
// or quote it (a reaction and a short reply), follows back whoever follows
// it, and leaves plain renotes of its notes alone.
type Bot struct {
	Client *misskey.Client
	Log    *log.Logger // nil: log.Default()
}

// Run listens to the bot's main channel until ctx ends. The stream
// reconnects by itself; Run returns nil when ctx ends, or the error that
// ended the stream for good.
func (b *Bot) Run(ctx context.Context) error {
	stream, err := b.Client.Stream(ctx)
	if err != nil {
		return err
	}
	defer stream.Close()
	if _, err := stream.Main(); err != nil {
		return err
	}
	for ev := range stream.Events() {
		switch v := ev.Value.(type) {
		case *misskey.StreamMention:
			b.answer(ctx, &v.Note)
		case *misskey.StreamReply:
			b.answer(ctx, &v.Note)
		case *misskey.StreamRenote: // a renote of the bot's note: a quote is answered
			b.answer(ctx, &v.Note)
		case *misskey.StreamFollowed:
			b.followBack(ctx, v.ID, v.Username)
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	return stream.Err()
}

// answer reacts to n and replies to it, unless it is a plain renote.
func (b *Bot) answer(ctx context.Context, n *misskey.Note) {
	if n.IsPureRenote() {
		return
	}
	if err := b.Client.NotesReactionsCreate(ctx, &misskey.NotesReactionsCreateRequest{NoteID: n.ID, Reaction: "👍"}); err != nil {
		b.logf("reacting to %s: %v", n.ID, err)
	}
	text := fmt.Sprintf("@%s thanks for the note!", n.User.Username)
	if n.Text != nil && strings.Contains(strings.ToLower(*n.Text), "ping") {
		text = fmt.Sprintf("@%s pong", n.User.Username)
	}
	_, err := b.Client.NotesCreate(ctx, &misskey.NotesCreateRequest{
		ReplyID:    misskey.Value(n.ID),
		Text:       misskey.Value(text),
		Visibility: misskey.Ptr(n.Visibility), // answer as privately as asked
	})
	if err != nil {
		b.logf("replying to %s: %v", n.ID, err)
	}
}

// followBack follows a user who followed the bot.
func (b *Bot) followBack(ctx context.Context, userID, username string) {
	if _, err := b.Client.FollowingCreate(ctx, &misskey.FollowingCreateRequest{UserID: userID}); err != nil {
		b.logf("following back @%s: %v", username, err)
	}
}

func (b *Bot) logf(format string, args ...any) {
	if b.Log != nil {
		b.Log.Printf(format, args...)
		return
	}
	log.Printf(format, args...)
}
