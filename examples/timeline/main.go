// Command timeline prints a Misskey timeline as it arrives, using the
// client misskey-gen generated in ../../generated.
//
//	MISSKEY_TOKEN=... go run ./examples/timeline -server https://misskey.example -channel home
//
// It follows the home, local, hybrid or global timeline over the streaming
// API, prints each note on one line, and shows reactions to the notes it has
// printed (note capture). The client reconnects by itself when the
// connection drops; Ctrl-C ends it cleanly.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strings"

	misskey "github.com/misskey-gen/misskey-gen/generated"
)

func main() {
	server := flag.String("server", "", "server URL, e.g. https://misskey.example")
	channel := flag.String("channel", "local", "timeline: home, local, hybrid or global")
	flag.Parse()
	if *server == "" {
		log.Fatal("timeline: -server is required")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, *server, os.Getenv("MISSKEY_TOKEN"), *channel); err != nil {
		log.Fatal(err)
	}
}

// run prints the timeline to w until ctx ends or the stream fails for good.
func run(ctx context.Context, w io.Writer, server, token, channel string) error {
	var opts []misskey.Option
	if token != "" {
		opts = append(opts, misskey.WithToken(token))
	}
	c := misskey.NewClient(server, opts...)
	stream, err := c.Stream(ctx)
	if err != nil {
		return err
	}
	defer stream.Close()

	switch channel {
	case "home":
		_, err = stream.HomeTimeline(misskey.HomeTimelineParams{})
	case "local":
		_, err = stream.LocalTimeline(misskey.LocalTimelineParams{})
	case "hybrid":
		_, err = stream.HybridTimeline(misskey.HybridTimelineParams{})
	case "global":
		_, err = stream.GlobalTimeline(misskey.GlobalTimelineParams{})
	default:
		return fmt.Errorf("unknown timeline %q", channel)
	}
	if err != nil {
		return err
	}

	for ev := range stream.Events() {
		switch v := ev.Value.(type) {
		case *misskey.Note:
			fmt.Fprintln(w, formatNote(v))
			_ = stream.SubNote(v.ID) // follow its reactions
		case *misskey.NoteReacted:
			fmt.Fprintf(w, "  %s reacted %s to %s\n", v.UserID, v.Reaction, ev.NoteID)
		case *misskey.NoteDeleted:
			fmt.Fprintf(w, "  %s was deleted\n", ev.NoteID)
			_ = stream.UnsubNote(ev.NoteID)
		}
		switch ev.Kind {
		case misskey.EventDisconnected:
			fmt.Fprintln(w, "-- disconnected, reconnecting:", ev.Err)
		case misskey.EventReconnected:
			fmt.Fprintln(w, "-- reconnected")
		}
	}
	if err := stream.Err(); err != nil && ctx.Err() == nil {
		return err
	}
	return nil
}

// formatNote renders a note as one line: time, author, and text (or its
// content warning), with renotes marked.
func formatNote(n *misskey.Note) string {
	author := "@" + n.User.Username
	if n.User.Host != nil {
		author += "@" + *n.User.Host
	}
	text := ""
	switch {
	case n.CW != nil:
		text = "[CW: " + *n.CW + "]"
	case n.Text != nil:
		text = *n.Text
	case n.Renote != nil:
		text = "RN " + formatNote(n.Renote)
	}
	return fmt.Sprintf("%s %s: %s", n.CreatedAt.Local().Format("15:04:05"), author, strings.Join(strings.Fields(text), " "))
}
