// Command misskey-gen generates a typed Go client for a Misskey server from
// the server's API document (https://HOST/api.json).
//
//	misskey-gen -server misskey.io -out ./misskey
//	misskey-gen -spec api.json -out ./misskey -check
//	misskey-gen diff old-api.json new-api.json
//	misskey-gen auth -server misskey.io -name "My bot" -endpoints notes/create
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/misskey-gen/misskey-gen/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
