package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/misskey-gen/misskey-gen/generator"
)

const diffUsage = `usage: misskey-gen diff [-format text|markdown|json] [-fail-on-breaking] OLD NEW

Reports what changed in the API from OLD to NEW: endpoints added and
removed; request and response fields added, removed, made required or
optional, or changed in type or nullability; permission and credential
changes. Breaking changes are listed first.

OLD and NEW are each a file, an http(s) URL, - (standard input, for one of
them), or a server: a bare name such as misskey.io (no "/", not ending in
".json", and not an existing file) means https://misskey.io/api.json.

Exit status: 0, or 1 with -fail-on-breaking when a change is breaking; 1 when
a document cannot be read; 2 for usage errors.

Flags:
`

// runDiff is the diff subcommand.
func runDiff(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("misskey-gen diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: text, markdown (md) or json")
	failOnBreaking := fs.Bool("fail-on-breaking", false, "exit 1 when any change is breaking")
	fs.Usage = func() {
		fmt.Fprint(stderr, diffUsage)
		fs.PrintDefaults()
	}
	// Flags may come before, between or after the two documents.
	var docs []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return exitOK
			}
			return exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		docs = append(docs, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(docs) != 2 {
		fmt.Fprintf(stderr, "misskey-gen diff: want two documents (OLD NEW), got %d\n", len(docs))
		fs.Usage()
		return exitUsage
	}
	write := map[string]func(*generator.APIDiff, io.Writer) error{
		"text":     (*generator.APIDiff).WriteText,
		"markdown": (*generator.APIDiff).WriteMarkdown,
		"md":       (*generator.APIDiff).WriteMarkdown,
		"json":     (*generator.APIDiff).WriteJSON,
	}[strings.ToLower(*format)]
	if write == nil {
		fmt.Fprintf(stderr, "misskey-gen diff: unknown -format %q (want text, markdown or json)\n", *format)
		return exitUsage
	}
	if docs[0] == "-" && docs[1] == "-" {
		fmt.Fprintln(stderr, "misskey-gen diff: only one document can come from standard input")
		return exitUsage
	}
	srcs := make([]string, 2)
	for i, d := range docs {
		src, err := diffSource(d)
		if err != nil {
			fmt.Fprintln(stderr, "misskey-gen diff:", err)
			return exitUsage
		}
		srcs[i] = src
	}

	// Load both at once: each takes a noticeable fraction of a second.
	apis := make([]*generator.API, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in, err := generator.ReadSpec(ctx, srcs[i], stdin)
			if err == nil {
				apis[i], err = generator.LoadAPI(in)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	failed := false
	for _, err := range errs {
		if err != nil {
			fmt.Fprintln(stderr, "misskey-gen diff:", err)
			failed = true
		}
	}
	if failed {
		return exitDrift
	}

	d := generator.DiffAPIs(apis[0], apis[1])
	d.Old.Source, d.New.Source = docs[0], docs[1]
	if err := write(d, stdout); err != nil {
		fmt.Fprintln(stderr, "misskey-gen diff:", err)
		return exitDrift
	}
	if *failOnBreaking && d.HasBreaking() {
		return exitDrift
	}
	return exitOK
}

// diffSource turns a document argument into what generator.ReadSpec takes:
// files, URLs and - as they are; a bare server name (no "/", not ending in
// ".json", not an existing file) into the URL of its API document.
func diffSource(arg string) (string, error) {
	switch {
	case arg == "-", strings.HasPrefix(arg, "http://"), strings.HasPrefix(arg, "https://"):
		return arg, nil
	case strings.Contains(arg, "/"), strings.HasSuffix(strings.ToLower(arg), ".json"):
		return arg, nil
	}
	if _, err := os.Stat(arg); err == nil {
		return arg, nil
	}
	return generator.ServerDocumentURL(arg)
}
