// Package authcmd implements "misskey-gen auth": getting an access token for
// a Misskey server by MiAuth, from the terminal.
package authcmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/misskey-gen/misskey-gen/internal/termsafe"
	"github.com/misskey-gen/misskey-gen/templates"
)

// Exit statuses of Run.
const (
	ExitOK       = 0 // the token was printed
	ExitFailure  = 1 // the server, the network or the document failed
	ExitUsage    = 2 // bad flags or arguments
	ExitTimeout  = 3 // the user did not approve before -timeout
	maxDocBytes  = 64 << 20
	fetchTimeout = 60 * time.Second
	httpTimeout  = 30 * time.Second // per request
)

const usage = `usage: misskey-gen auth -server HOST -name APP (-permission P,... | -endpoints E,...) [flags]

Gets an access token for a Misskey server by MiAuth. auth prints a URL on
standard error; open it in a browser where you are signed in to the server,
check the permissions and approve. auth then prints the token, and nothing
else, on standard output:

	TOKEN=$(misskey-gen auth -server misskey.io -name "My bot" -endpoints notes/create,i)

-endpoints asks for exactly the permissions the named endpoints need, as the
server's API document states them (https://HOST/api.json, or -spec FILE).
-permission names permissions directly; both may be given.

Exit status: 0 token printed, 1 failure, 2 usage error, 3 not approved
within -timeout.

Flags:
`

type config struct {
	server      string
	name        string
	permissions []string
	endpoints   []string
	icon        string
	callback    string
	timeout     time.Duration
	interval    time.Duration
	spec        string
}

// Run runs "misskey-gen auth" with args (the arguments after "auth") and
// returns the exit status. Only the token goes to stdout; everything for
// the person at the terminal goes to stderr.
//
// stderr is written through termsafe.Writer, since messages quote the
// server's answers and the approving user's name; the token is printed only
// when it is printable ASCII.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	stderr = termsafe.Writer(stderr)
	cfg, code, ok := parseFlags(args, stderr)
	if !ok {
		return code
	}
	hc := &http.Client{Timeout: httpTimeout}
	client := templates.NewClient(cfg.server, templates.WithHTTPClient(hc))

	perms, code, err := resolvePermissions(ctx, cfg, client, hc, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "auth: %v\n", err)
		return code
	}

	session, err := templates.NewMiAuthSession()
	if err != nil {
		fmt.Fprintf(stderr, "auth: %v\n", err)
		return ExitFailure
	}
	opts := templates.MiAuthOptions{Name: cfg.name, IconURL: cfg.icon, CallbackURL: cfg.callback}
	for _, p := range perms {
		opts.Permissions = append(opts.Permissions, templates.Permission(p))
	}
	fmt.Fprintf(stderr, "Open this URL in a browser where you are signed in to %s,\ncheck the permissions (%s) and approve:\n\n    %s\n\nWaiting up to %v for approval...\n",
		client.BaseURL(), strings.Join(perms, ", "), client.MiAuthURL(session.ID, opts), cfg.timeout)

	wctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	res, err := client.MiAuthWait(wctx, session.ID, cfg.interval)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		fmt.Fprintf(stderr, "auth: interrupted before approval: %v\n", ctx.Err())
		return ExitFailure
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintf(stderr, "auth: not approved within %v (a server that does not know the session answers like one that waits for approval)\n", cfg.timeout)
		if !errors.Is(err, templates.ErrMiAuthPending) {
			fmt.Fprintf(stderr, "auth: %v\n", err)
		}
		return ExitTimeout
	default:
		fmt.Fprintf(stderr, "auth: %v\n", err)
		return ExitFailure
	}

	var user struct {
		Username string  `json:"username"`
		Host     *string `json:"host"`
	}
	if res.DecodeUser(&user) == nil && user.Username != "" {
		who := "@" + user.Username
		if user.Host != nil && *user.Host != "" {
			who += "@" + *user.Host
		}
		fmt.Fprintf(stderr, "Approved by %s.\n", who)
	} else {
		fmt.Fprintln(stderr, "Approved.")
	}
	if !printableToken(res.Token) {
		fmt.Fprintln(stderr, "auth: the server sent a token that is not printable ASCII; not printing it")
		return ExitFailure
	}
	if _, err := io.WriteString(stdout, res.Token+"\n"); err != nil {
		fmt.Fprintf(stderr, "auth: writing the token: %v\n", err)
		return ExitFailure
	}
	return ExitOK
}

// printableToken reports whether token is printable ASCII without spaces,
// as Misskey's tokens are: anything else would reach the terminal, or the
// shell variable the token is captured in, as it is.
func printableToken(token string) bool {
	for i := 0; i < len(token); i++ {
		if token[i] <= ' ' || token[i] >= 0x7f {
			return false
		}
	}
	return token != ""
}

// parseFlags parses and checks args. On failure it has reported the problem
// on stderr and returns the exit status with ok false.
func parseFlags(args []string, stderr io.Writer) (cfg config, code int, ok bool) {
	fs := flag.NewFlagSet("misskey-gen auth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	var permissions, endpoints string
	fs.StringVar(&cfg.server, "server", "", "the Misskey server: a host name (https) or a URL such as http://localhost:3000")
	fs.StringVar(&cfg.name, "name", "", "the application name shown on the authorization page")
	fs.StringVar(&permissions, "permission", "", "comma-separated permissions to ask for, e.g. read:account,write:notes")
	fs.StringVar(&endpoints, "endpoints", "", "comma-separated endpoints the token must be able to call, e.g. notes/create,i")
	fs.StringVar(&cfg.icon, "icon", "", "URL of the application icon shown on the authorization page")
	fs.StringVar(&cfg.callback, "callback", "", "URL the browser opens after approval (the server adds ?session=ID)")
	fs.DurationVar(&cfg.timeout, "timeout", 5*time.Minute, "how long to wait for approval")
	fs.DurationVar(&cfg.interval, "interval", 2*time.Second, "how often to ask the server whether the user approved")
	fs.StringVar(&cfg.spec, "spec", "", "API document (file or URL) for -endpoints; default https://HOST/api.json")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, ExitOK, false
		}
		return cfg, ExitUsage, false
	}
	fail := func(format string, a ...any) (config, int, bool) {
		fmt.Fprintf(stderr, "auth: "+format+"\n", a...)
		fmt.Fprintln(stderr, `Run "misskey-gen auth -h" for usage.`)
		return cfg, ExitUsage, false
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q", fs.Arg(0))
	}
	cfg.server = strings.TrimSpace(cfg.server)
	if cfg.server == "" {
		return fail("-server is required")
	}
	if strings.TrimSpace(cfg.name) == "" {
		return fail("-name is required: the user sees it on the authorization page")
	}
	if cfg.timeout <= 0 {
		return fail("-timeout must be positive")
	}
	if cfg.interval <= 0 {
		return fail("-interval must be positive")
	}
	var err error
	if cfg.permissions, err = splitList(permissions); err != nil {
		return fail("-permission: %v", err)
	}
	if cfg.endpoints, err = splitList(endpoints); err != nil {
		return fail("-endpoints: %v", err)
	}
	if len(cfg.permissions) == 0 && len(cfg.endpoints) == 0 {
		return fail("give -permission or -endpoints: a token without permissions can call nothing that needs a token")
	}
	return cfg, ExitOK, true
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) ([]string, error) {
	var out []string
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if strings.ContainsAny(item, " \t\r\n") {
			return nil, fmt.Errorf("%q contains a space", item)
		}
		out = append(out, item)
	}
	return out, nil
}

// resolvePermissions returns the sorted permissions to ask for: those of
// -permission and those the -endpoints need. On error it also returns the
// exit status.
func resolvePermissions(ctx context.Context, cfg config, client *templates.Client, hc *http.Client, stderr io.Writer) ([]string, int, error) {
	seen := map[string]bool{}
	var perms []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			perms = append(perms, p)
		}
	}
	for _, p := range cfg.permissions {
		add(p)
	}
	if len(cfg.endpoints) > 0 || cfg.spec != "" {
		source := cfg.spec
		if source == "" {
			source = client.BaseURL() + "/api.json"
		}
		doc, err := loadDocument(ctx, hc, source)
		if err != nil {
			return nil, ExitFailure, err
		}
		table, err := parseEndpointAuth(doc)
		if err != nil {
			return nil, ExitFailure, fmt.Errorf("%s: %w", source, err)
		}
		need, unknown, noPerm := permissionsForEndpoints(table, cfg.endpoints)
		if len(unknown) > 0 {
			return nil, ExitUsage, fmt.Errorf("%s lists no endpoint %s", source, strings.Join(quoteAll(unknown), ", "))
		}
		for _, name := range noPerm {
			fmt.Fprintf(stderr, "auth: warning: %s requires a token but the document names no permission for it; a MiAuth token may be refused there\n", name)
		}
		known := allPermissions(table)
		for _, p := range cfg.permissions {
			if !known[p] {
				fmt.Fprintf(stderr, "auth: warning: no endpoint of the document needs permission %q\n", p)
			}
		}
		for _, p := range need {
			add(p)
		}
	}
	if len(perms) == 0 {
		return nil, ExitUsage, fmt.Errorf("the endpoints %s need no permission: call them without a token", strings.Join(cfg.endpoints, ", "))
	}
	sort.Strings(perms)
	return perms, ExitOK, nil
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}

// loadDocument reads an API document from a file or an http(s) URL.
func loadDocument(ctx context.Context, hc *http.Client, source string) ([]byte, error) {
	if !strings.HasPrefix(source, "http://") && !strings.HasPrefix(source, "https://") {
		f, err := os.Open(source)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readCapped(f, source)
	}
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, source, nil)
	if err != nil {
		return nil, fmt.Errorf("fetching the API document: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", templates.DefaultUserAgent)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the API document: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the API document: GET %s: %s (give -spec FILE to read it from a file)", source, resp.Status)
	}
	return readCapped(resp.Body, source)
}

func readCapped(r io.Reader, source string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxDocBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", source, err)
	}
	if len(b) > maxDocBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB; not an API document?", source, maxDocBytes>>20)
	}
	return b, nil
}
