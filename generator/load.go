package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// MaxDocumentBytes is the largest API document the generator reads. Real
// Misskey documents are 0.7–2.4 MB.
const MaxDocumentBytes = 64 << 20

// FetchTimeout bounds fetching a document over HTTP.
const FetchTimeout = 60 * time.Second

// Input is a loaded API document.
type Input struct {
	Name string // where it came from: a file path, a URL, or "-" for stdin
	Data []byte
}

// ReadSpec reads a document from a file path, an http(s) URL, or "-"
// (standard input).
func ReadSpec(ctx context.Context, spec string, stdin io.Reader) (*Input, error) {
	switch {
	case spec == "":
		return nil, errors.New("no document given")
	case spec == "-":
		data, err := readCapped(stdin, MaxDocumentBytes)
		if err != nil {
			return nil, fmt.Errorf("reading standard input: %w", err)
		}
		return &Input{Name: "-", Data: data}, nil
	case strings.HasPrefix(spec, "http://") || strings.HasPrefix(spec, "https://"):
		return Fetch(ctx, nil, spec)
	}
	f, err := os.Open(spec)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := readCapped(f, MaxDocumentBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", spec, err)
	}
	return &Input{Name: spec, Data: data}, nil
}

// ServerDocumentURL turns what a user calls a server ("misskey.io",
// "https://misskey.io", "https://misskey.io/api-doc") into the URL of its
// API document, https://HOST/api.json.
func ServerDocumentURL(server string) (string, error) {
	s := strings.TrimSpace(server)
	if s == "" {
		return "", errors.New("empty server name")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("server %q: %w", server, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Errorf("server %q: scheme must be http or https", server)
	}
	if u.Host == "" {
		return "", fmt.Errorf("server %q: no host", server)
	}
	p := strings.TrimRight(u.Path, "/")
	for _, suffix := range []string{"/api-doc", "/api.json", "/api"} {
		if strings.HasSuffix(p, suffix) {
			p = strings.TrimSuffix(p, suffix)
			break
		}
	}
	u.Path = p + "/api.json"
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String(), nil
}

// Fetch downloads a document with a timeout and a size cap, and reports
// non-200 and non-JSON answers clearly. hc may be nil.
func Fetch(ctx context.Context, hc *http.Client, rawURL string) (*Input, error) {
	return fetch(ctx, hc, rawURL, MaxDocumentBytes, FetchTimeout)
}

// fetch is Fetch with the size cap and the timeout as parameters (tests
// use small ones).
func fetch(ctx context.Context, hc *http.Client, rawURL string, max int64, timeout time.Duration) (*Input, error) {
	if hc == nil {
		hc = &http.Client{Timeout: timeout}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %w", rawURL, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "misskey-gen/"+Version)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fetchError(ctx, rawURL, timeout, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		return nil, fmt.Errorf("fetching %s: server answered %s%s", rawURL, resp.Status, snippetSuffix(snippet))
	}
	if resp.ContentLength > max {
		return nil, fmt.Errorf("fetching %s: document larger than %d bytes (Content-Length %d)", rawURL, max, resp.ContentLength)
	}
	data, err := readCapped(resp.Body, max)
	if err != nil {
		return nil, fetchError(ctx, rawURL, timeout, err)
	}
	ct := resp.Header.Get("Content-Type")
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("fetching %s: the answer is not a JSON document (Content-Type %q)%s", rawURL, ct, snippetSuffix(data))
	}
	return &Input{Name: rawURL, Data: data}, nil
}

// fetchError words a failed request, saying so when it ran out of time.
func fetchError(ctx context.Context, rawURL string, timeout time.Duration, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("fetching %s: no complete answer within %s: %w", rawURL, timeout, err)
	}
	return fmt.Errorf("fetching %s: %w", rawURL, err)
}

func snippetSuffix(b []byte) string {
	s := strings.TrimSpace(string(b))
	if s == "" {
		return ""
	}
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return ": " + strings.Join(strings.Fields(s), " ")
}

func readCapped(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("document larger than %d bytes", max)
	}
	return data, nil
}

// Document is a loaded API document: kin-openapi's view of it, and what
// kin-openapi loses, read from the raw JSON.
type Document struct {
	T *openapi3.T

	// propOrder holds the property names of the schemas with properties in
	// document order (kin-openapi keeps them in a map).
	propOrder map[*openapi3.Schema][]string
}

// PropertyOrder returns the names of s's properties in the order the
// document writes them, or nil when s is not a schema of this document
// whose order is known.
func (d *Document) PropertyOrder(s *openapi3.Schema) []string {
	if d == nil {
		return nil
	}
	return d.propOrder[s]
}

// Parse is Load for callers that need only kin-openapi's document.
func Parse(in *Input) (*openapi3.T, error) {
	d, err := Load(in)
	if err != nil {
		return nil, err
	}
	return d.T, nil
}

// Load checks the JSON, bounds what the document may cost (scanDocument,
// before kin-openapi sees it), and loads it with kin-openapi. Validation
// problems are not errors: the documents of most Misskey versions fail
// strict validation, and generation does not depend on it. The quirks of
// each Misskey version are normalised when the model is built (build.go).
func Load(in *Input) (*Document, error) {
	var top struct {
		OpenAPI string          `json:"openapi"`
		Swagger any             `json:"swagger"`
		Paths   json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(in.Data, &top); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field == "" {
			return nil, fmt.Errorf("%s: the document is not a JSON object", in.Name)
		}
		if errors.As(err, &te) {
			return nil, fmt.Errorf("%s: #/%s: %s", in.Name, te.Field, describeJSONError(in.Data, err))
		}
		return nil, fmt.Errorf("%s: %s", in.Name, describeJSONError(in.Data, err))
	}
	if t := bytes.TrimSpace(in.Data); len(t) == 0 || t[0] != '{' { // null
		return nil, fmt.Errorf("%s: the document is not a JSON object", in.Name)
	}
	if !strings.HasPrefix(top.OpenAPI, "3.") {
		if top.Swagger != nil {
			return nil, fmt.Errorf("%s: a Swagger 2 document; Misskey serves OpenAPI 3 at /api.json", in.Name)
		}
		return nil, fmt.Errorf("%s: #/openapi: not an OpenAPI 3 document (openapi = %q)", in.Name, top.OpenAPI)
	}
	if p := bytes.TrimSpace(top.Paths); len(p) == 0 || p[0] != '{' {
		return nil, fmt.Errorf("%s: #/paths: missing or not an object", in.Name)
	}
	scan, err := scanDocument(in.Data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	doc, err := loadDocument(in.Data)
	if err != nil {
		// kin-openapi does not say where a bad $ref stands; find it.
		if rerr := locateRefProblem(in.Data); rerr != nil {
			err = rerr
		}
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	return &Document{T: doc, propOrder: propertyOrders(doc, scan.propOrder)}, nil
}

// loadDocument decodes and resolves a document with kin-openapi.
func loadDocument(data []byte) (*openapi3.T, error) {
	return guardKin(func() (*openapi3.T, error) {
		// Decode as JSON directly: kin-openapi's LoadFromData reads every
		// document through its YAML parser first, which takes most of the
		// time of a generation for Misskey's 1–2 MB documents.
		doc := &openapi3.T{}
		if err := doc.UnmarshalJSON(data); err != nil {
			return nil, err
		}
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		if err := loader.ResolveRefsIn(doc, nil); err != nil {
			return nil, err
		}
		return doc, nil
	})
}

// guardKin runs a kin-openapi call, turning a panic inside it into an
// error: a document that trips up the library is a bad document, not a
// reason to crash.
func guardKin(load func() (*openapi3.T, error)) (doc *openapi3.T, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("kin-openapi failed: %v", r)
		}
	}()
	return load()
}

// locateRefProblem decodes the document generically and returns the first
// $ref problem checkRefs finds, or nil.
func locateRefProblem(data []byte) error {
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil
	}
	return checkRefs(raw)
}

// checkRefs reports the first local $ref (in document order, keys sorted)
// that does not resolve, that points outside the document, or that leads
// only through other $refs back to itself, naming where it stands. kin-openapi
// would report the first two without saying where the $ref is, and leaves a
// cycle of bare references unresolved. Values that are data rather than
// schema (examples, defaults, enums, extensions) are not searched.
func checkRefs(root map[string]any) error {
	var walk func(v any, ptr string) error
	walk = func(v any, ptr string) error {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if err := checkRef(root, ptr, ref); err != nil {
					return err
				}
			}
			for _, k := range sortedKeys(v) {
				switch {
				case k == "example" || k == "examples" || k == "default" || k == "enum" || k == "const" || strings.HasPrefix(k, "x-"):
					continue
				}
				if err := walk(v[k], ptr+"/"+pointerEscape(k)); err != nil {
					return err
				}
			}
		case []any:
			for i, x := range v {
				if err := walk(x, fmt.Sprintf("%s/%d", ptr, i)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(root, "#")
}

// checkRef follows one $ref standing at ptr through any chain of bare
// references.
func checkRef(root map[string]any, ptr, ref string) error {
	seen := map[string]bool{ptr: true}
	chain := []string{ptr}
	for {
		if !strings.HasPrefix(ref, "#") {
			return fmt.Errorf("%s: $ref %q points outside the document; only local references (#/…) are supported", ptr, ref)
		}
		target, ok := resolvePointer(root, ref[1:])
		if !ok {
			return fmt.Errorf("%s: $ref %q does not resolve: the document has nothing at %s", ptr, ref, ref)
		}
		m, isMap := target.(map[string]any)
		next, isRef := m["$ref"].(string)
		if !isMap || !isRef {
			return nil
		}
		canon := "#" + ref[1:]
		if seen[canon] {
			return fmt.Errorf("%s: $ref cycle: %s → %s", ptr, strings.Join(chain, " → "), canon)
		}
		seen[canon] = true
		chain = append(chain, canon)
		ref = next
	}
}

// resolvePointer finds the value at a JSON pointer ("" or "/a/b~1c"),
// trying the pointer as written and percent-decoded (URI fragment form).
func resolvePointer(root any, pointer string) (any, bool) {
	if v, ok := resolvePointerTokens(root, pointer); ok {
		return v, true
	}
	if dec, err := url.PathUnescape(pointer); err == nil && dec != pointer {
		return resolvePointerTokens(root, dec)
	}
	return nil, false
}

func resolvePointerTokens(root any, pointer string) (any, bool) {
	if pointer == "" {
		return root, true
	}
	if !strings.HasPrefix(pointer, "/") {
		return nil, false
	}
	cur := root
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[tok]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) || strconv.Itoa(i) != tok {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// describeJSONError turns a decoding error into "line L, column C: …".
func describeJSONError(data []byte, err error) string {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset - 1 // Offset counts the offending byte
	case errors.As(err, &te):
		off = te.Offset
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "invalid JSON: unexpected end of input"
	}
	if off < 0 {
		return "invalid JSON: " + err.Error()
	}
	line, col := 1, 1
	for i := int64(0); i < off && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("invalid JSON at line %d, column %d: %v", line, col, err)
}
