// Command misskey-bot is a small program built on a client that misskey-gen
// generates: it posts a note, then reads the home timeline back, page by
// page.
//
// The client in ./misskey is generated from api.json, the server's API
// document, and committed. To update it after the server upgrades:
//
//	curl -o api.json https://misskey.example/api.json
//	go generate ./...
//
// CI runs misskey-gen with -check, which fails when ./misskey is not what
// api.json generates (see the README of misskey-gen).
//
// Usage:
//
//	MISSKEY_TOKEN=… go run . -server misskey.example -text "hello from Go"
package main

//go:generate go run github.com/misskey-gen/misskey-gen/cmd/misskey-gen -spec api.json -out ./misskey -package misskey

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"time"

	"example.com/misskey-bot/misskey"
)

func main() {
	server := flag.String("server", os.Getenv("MISSKEY_SERVER"), "Misskey server, e.g. misskey.example (default $MISSKEY_SERVER)")
	text := flag.String("text", "", "text of the note to post; nothing is posted when empty")
	max := flag.Int("n", 50, "how many timeline notes to print")
	flag.Parse()
	token := os.Getenv("MISSKEY_TOKEN")
	if *server == "" || token == "" {
		log.Fatal("set -server (or MISSKEY_SERVER) and MISSKEY_TOKEN")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	c := misskey.NewClient(*server, misskey.WithToken(token))

	if *text != "" {
		res, err := c.NotesCreate(ctx, &misskey.NotesCreateRequest{
			Text:       misskey.Value(*text),
			Visibility: misskey.Ptr(misskey.NoteVisibilityHome),
		})
		var apiErr *misskey.APIError
		switch {
		case errors.Is(err, misskey.ErrNotesCreateContainsProhibitedWords):
			log.Fatal("the server does not accept a word in this note")
		case errors.As(err, &apiErr) && apiErr.RetryAfter > 0:
			log.Fatalf("rate limited; try again in %s", apiErr.RetryAfter)
		case err != nil:
			log.Fatal(err)
		}
		fmt.Println("posted", res.CreatedNote.ID)
	}

	// All follows untilId from the newest note to older ones, fetching the
	// next page only when the loop asks for more.
	n := 0
	for note, err := range misskey.All(ctx, c.NotesTimeline, &misskey.NotesTimelineRequest{Limit: misskey.Ptr[int64](20)}) {
		if err != nil {
			log.Fatal(err)
		}
		text := ""
		if note.Text != nil {
			text = *note.Text
		}
		fmt.Printf("%s @%s: %s\n", note.CreatedAt.Local().Format(time.DateTime), note.User.Username, text)
		if n++; n == *max {
			break
		}
	}
}
