// Package cli implements the misskey-gen command line: flags and
// subcommands only; the work is done by package generator.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/misskey-gen/misskey-gen/generator"
	"github.com/misskey-gen/misskey-gen/internal/authcmd"
	"github.com/misskey-gen/misskey-gen/internal/termsafe"
)

// Exit statuses.
const (
	exitOK    = 0
	exitDrift = 1 // -check found differences, or generation failed
	exitUsage = 2
)

const usage = `usage:
  misskey-gen (-spec FILE|URL|- | -server HOST) -out DIR [-package NAME] [-import-path PATH] [-misskeytest=false] [-check] [-literal] [-v]
  misskey-gen diff [-format text|markdown|json] [-fail-on-breaking] OLD NEW
  misskey-gen auth -server HOST -name APP (-permission a,b | -endpoints e,f) [flags]
  misskey-gen -version

Generates a typed Go client package for a Misskey server from its API
document. -server takes a host name ("misskey.io") or a URL of the server
("https://misskey.io", "https://misskey.io/api-doc") and fetches
https://HOST/api.json. -check writes nothing: it exits 1 and shows what
differs when DIR is not what the document generates.

Next to the client, DIR/misskeytest is a fake server for the tests of
programs that use it. It imports the client by its import path, worked out
from the go.mod in DIR or above it, or given with -import-path. With neither,
misskeytest is not generated (and a note says so).

Flags:
`

// Main runs the command line and returns the exit status.
//
// Everything it writes goes through termsafe.Writer: errors quote servers'
// answers and diffs quote documents, and neither may drive the terminal.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	stdout, stderr = termsafe.Writer(stdout), termsafe.Writer(stderr)
	if len(args) > 0 {
		switch args[0] {
		case "auth":
			return authcmd.Run(ctx, args[1:], stdout, stderr)
		case "diff":
			return runDiff(ctx, args[1:], stdin, stdout, stderr)
		}
	}
	fs := flag.NewFlagSet("misskey-gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	spec := fs.String("spec", "", "API document: a file, an http(s) URL, or - for standard input")
	server := fs.String("server", "", "Misskey server to fetch the API document from (HOST or https://HOST)")
	out := fs.String("out", "", "output directory of the generated package")
	pkg := fs.String("package", "", `package name (default: the output directory's name if it is a valid identifier, else "misskey")`)
	importPath := fs.String("import-path", "", "import path of the generated package, which DIR/misskeytest imports (default: from the go.mod in DIR or above)")
	testServer := fs.Bool("misskeytest", true, "also generate DIR/misskeytest, a fake server for tests")
	check := fs.Bool("check", false, "write nothing; exit 1 and show the differences when -out is not current")
	verbose := fs.Bool("v", false, "print the document's quirks the generator worked around and where the fixups table corrected it")
	literal := fs.Bool("literal", false, "map the document literally, without the fixups table")
	version := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *version {
		fmt.Fprintln(stdout, "misskey-gen", generator.Version)
		return exitOK
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "misskey-gen: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if (*spec == "") == (*server == "") {
		fmt.Fprintln(stderr, "misskey-gen: give exactly one of -spec and -server")
		return exitUsage
	}
	if *out == "" {
		fmt.Fprintln(stderr, "misskey-gen: -out is required")
		return exitUsage
	}
	src := *spec
	if *server != "" {
		u, err := generator.ServerDocumentURL(*server)
		if err != nil {
			fmt.Fprintln(stderr, "misskey-gen:", err)
			return exitUsage
		}
		src = u
	}
	in, err := generator.ReadSpec(ctx, src, stdin)
	if err != nil {
		fmt.Fprintln(stderr, "misskey-gen:", err)
		return exitDrift
	}
	name := *pkg
	if name == "" {
		name = generator.DefaultPackageName(*out)
	}
	opts := generator.Options{Package: name, Literal: *literal}
	if *testServer {
		opts.ImportPath = *importPath
		if opts.ImportPath == "" {
			ip, err := generator.ImportPathOf(*out)
			if err != nil {
				fmt.Fprintf(stderr, "misskey-gen: note: %s not generated: %v; give -import-path (or -misskeytest=false)\n",
					filepath.Join(*out, generator.TestServerDir), err)
			}
			opts.ImportPath = ip
		}
	}
	files, api, err := generator.Generate(in, opts)
	if err != nil {
		fmt.Fprintln(stderr, "misskey-gen:", err)
		return exitDrift
	}
	if *verbose {
		for _, w := range api.Warnings {
			fmt.Fprintln(stderr, "misskey-gen: note:", w)
		}
		for _, f := range api.Fixups {
			fmt.Fprintln(stderr, "misskey-gen: fixup:", f)
		}
	}
	if *check {
		drift, err := generator.Check(*out, files)
		if err != nil {
			fmt.Fprintln(stderr, "misskey-gen:", err)
			return exitDrift
		}
		if drift.Empty() {
			return exitOK
		}
		fmt.Fprintf(stdout, "misskey-gen: %s is not what %s generates:\n%s\n%s", *out, in.Name, drift.Summary(), drift.Diff)
		fmt.Fprintf(stdout, "\nRun misskey-gen again without -check (or go generate) to update it.\n")
		return exitDrift
	}
	if err := generator.Write(*out, files); err != nil {
		fmt.Fprintln(stderr, "misskey-gen:", err)
		return exitDrift
	}
	return exitOK
}
