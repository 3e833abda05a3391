// Command bot is a small Misskey bot written with the client misskey-gen
// generated in ../../generated: it reacts to and answers notes that mention
// it or reply to it, follows back whoever follows it, and leaves plain
// renotes alone.
//
//	MISSKEY_TOKEN=... go run ./examples/bot -server https://misskey.example
//
// bot_test.go tests it against misskeytest, the fake server generated with
// the client.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"

	misskey "github.com/misskey-gen/misskey-gen/generated"
)

func main() {
	server := flag.String("server", "", "server URL, e.g. https://misskey.example")
	flag.Parse()
	token := os.Getenv("MISSKEY_TOKEN")
	if *server == "" || token == "" {
		log.Fatal("bot: set -server and MISSKEY_TOKEN")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	b := &Bot{Client: misskey.NewClient(*server, misskey.WithToken(token))}
	if err := b.Run(ctx); err != nil {
		log.Fatal(err)
	}
}
