package misskeytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	misskey "github.com/misskey-gen/misskey-gen/templates"
)

// endpointDef is what the server knows of one endpoint of the API document.
// The generated file endpoints.go lists them all (endpointDefs).
type endpointDef struct {
	name       string // "notes/create"
	goName     string // "NotesCreate"
	credential bool   // the endpoint needs a token
	perms      []misskey.Permission
	multipart  bool
	// schema is the request schema as JSON ("" when the endpoint takes no
	// parameters); it is compiled on first use.
	schema string
	// errors are the errors the document lists for the endpoint.
	errors []*misskey.APIError
	// request returns a new value of the request type (a pointer), or is
	// nil when the endpoint takes no parameters.
	request func() any
	// files puts the uploaded files into the file fields of a request.
	files func(req any, files map[string]UploadedFile)
	// conform encodes a response of the server's own Misskey again through
	// the response type, so that it has the shape of this document; nil
	// when the response is free-form or absent.
	conform func(data []byte) []byte
}

// schemaCache holds compiled schemas by their JSON, for every server of the
// process.
var schemaCache sync.Map // string → *schema (nil when it cannot be read)

// compiledSchema returns the endpoint's request schema, or nil when it has
// none or it cannot be read (then requests are not validated).
func (d *endpointDef) compiledSchema() *schema {
	if d.schema == "" {
		return nil
	}
	if v, ok := schemaCache.Load(d.schema); ok {
		return v.(*schema)
	}
	c, err := compileSchema([]byte(d.schema))
	if err != nil {
		c = nil
	}
	schemaCache.Store(d.schema, c)
	return c
}

// errorFor returns the error the document lists for the endpoint with that
// code, or one made up with the code and message when it lists none.
func (d *endpointDef) errorFor(code, message string) *misskey.APIError {
	if d != nil {
		for _, e := range d.errors {
			if e.Code == code {
				return e
			}
		}
	}
	return &misskey.APIError{StatusCode: http.StatusBadRequest, Code: code, Message: message, Kind: "client"}
}

// newValue returns a new *T as any; the generated table uses it for request
// types.
func newValue[T any]() any { return new(T) }

// roundTrip decodes data into a T and encodes it again, so that it has the
// shape of the type: fields T does not declare are dropped, values of the
// wrong JSON type become zero, and required fields absent from data are
// present. It returns data unchanged when it is not JSON.
func roundTrip[T any](data []byte) []byte {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) {
			return data
		}
	}
	out, err := marshalJSON(v)
	if err != nil {
		return data
	}
	return out
}

// maxBody is the body limit of Misskey's HTTP layer for JSON.
const maxBody = 1 << 20

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/streaming":
		s.serveStream(w, r)
	case strings.HasPrefix(p, "/api/miauth/") && strings.HasSuffix(p, "/check"):
		s.serveMiAuthCheck(w, r, strings.TrimSuffix(strings.TrimPrefix(p, "/api/miauth/"), "/check"))
	case strings.HasPrefix(p, "/api/"):
		s.serveAPI(w, r, strings.TrimPrefix(p, "/api/"))
	case strings.HasPrefix(p, "/miauth/"):
		s.serveMiAuthPage(w, r, strings.TrimPrefix(p, "/miauth/"))
	case strings.HasPrefix(p, "/files/"):
		s.serveFile(w, r, strings.TrimPrefix(p, "/files/"))
	default:
		http.NotFound(w, r)
	}
}

// answer is the outcome of one call.
type answer struct {
	status int
	body   []byte // nil: no body
	header http.Header
	err    *misskey.APIError
}

// callState is a call on its way through the server.
type callState struct {
	s      *Server
	def    *endpointDef // nil for an endpoint the document does not list
	name   string
	userID string
	tok    *token
	params map[string]any // the parameters without "i", numbers as json.Number
	body   json.RawMessage
	files  []UploadedFile
	valid  bool // the parameters passed validation
	ctx    context.Context
	now    time.Time
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, name string) {
	c := &callState{s: s, name: name, now: time.Now()}
	s.mu.Lock()
	h := s.handlers[name]
	s.mu.Unlock()
	c.def = s.defs[name]
	if c.def == nil && h == nil {
		// Misskey's HTTP layer (fastify) answers an unknown route itself.
		writeJSON(w, http.StatusNotFound, map[string]any{
			"message":    "Route " + r.Method + ":/api/" + name + " not found",
			"error":      "Not Found",
			"statusCode": http.StatusNotFound,
		})
		return
	}
	a := c.run(r, h)
	c.record(a)
	for k, v := range a.header {
		w.Header()[k] = v
	}
	switch {
	case a.body == nil:
		w.WriteHeader(a.status)
	default:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}
}

// run takes the call through the checks of a real server and answers it.
func (c *callState) run(r *http.Request, h handler) answer {
	s := c.s
	if r.Method != http.MethodPost {
		return answer{status: http.StatusMethodNotAllowed}
	}
	var token string
	if c.def != nil && c.def.multipart {
		if a, ok := c.readMultipart(r, &token); !ok {
			return a
		}
	} else if a, ok := c.readJSON(r, &token); !ok {
		return a
	}
	if token == "" {
		if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
			token = strings.TrimPrefix(auth, "Bearer ")
		}
	}

	s.mu.Lock()
	if token != "" {
		c.tok = s.st.tokens[token]
		if c.tok == nil {
			s.mu.Unlock()
			return errorAnswer(misskey.ErrAuthenticationFailed, 0)
		}
		c.userID = c.tok.userID
	}
	if e, wait := s.limitLocked(c.name, c.userID, c.now); e != nil {
		s.mu.Unlock()
		return errorAnswer(e, wait)
	}
	s.mu.Unlock()

	if c.def != nil {
		if c.def.credential && c.userID == "" {
			return errorAnswer(misskey.ErrCredentialRequired, 0)
		}
		if c.tok != nil && c.tok.restricted && len(c.def.perms) > 0 && !c.tok.allows(c.def.perms) {
			return errorAnswer(misskey.ErrPermissionDenied, 0)
		}
		if sch := c.def.compiledSchema(); sch != nil {
			if c.def.multipart {
				if e := castFormFields(sch, c.params); e != nil {
					return errorAnswer(e, 0)
				}
				c.body = mustJSON(c.params)
			}
			if verr := sch.validate(c.paramsValue()); verr != nil {
				e := *misskey.ErrInvalidParam
				e.Info = mustJSON(verr)
				return errorAnswer(&e, 0)
			}
		}
	}

	c.valid = c.def != nil
	ctx := context.WithValue(r.Context(), callerKey{}, c.userID)
	c.ctx = ctx
	var req any
	if c.def != nil && c.def.request != nil {
		req = c.decodeRequest()
	}
	resp, err := any(nil), ErrFallThrough
	if h != nil {
		resp, err = c.runHandler(h, ctx, req)
		if err == nil {
			return c.encode(resp, false)
		}
	}
	if errors.Is(err, ErrFallThrough) {
		if core := coreEndpoints[c.name]; core != nil && c.def != nil {
			resp, err = c.runCore(core)
			if err == nil {
				return c.encode(resp, true)
			}
		} else {
			return c.unhandled()
		}
	}
	var apiErr *misskey.APIError
	if errors.As(err, &apiErr) {
		return errorAnswer(apiErr, apiErr.RetryAfter)
	}
	e := *misskey.ErrInternalError
	e.Info = mustJSON(map[string]any{"e": map[string]any{"message": err.Error(), "code": "Error", "id": "00000000-0000-4000-8000-000000000000"}})
	return errorAnswer(&e, 0)
}

// runHandler calls a handler; a panic becomes an error.
func (c *callState) runHandler(h handler, ctx context.Context, req any) (resp any, err error) {
	defer func() {
		if r := recover(); r != nil {
			c.s.log("the handler of %s panicked: %v", c.name, r)
			resp, err = nil, fmt.Errorf("misskeytest: the handler of %s panicked: %v", c.name, r)
		}
	}()
	return h(ctx, req, c.body)
}

// runCore calls the server's own Misskey with the state locked; a panic (a
// bug) becomes an error rather than a server that hangs.
func (c *callState) runCore(core coreFunc) (resp any, err error) {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			s.log("%s panicked: %v", c.name, r)
			resp, err = nil, fmt.Errorf("misskeytest: %s panicked: %v", c.name, r)
		}
	}()
	if needsUser[c.name] && c.userID == "" {
		// The document says no credential is needed, but answering needs a
		// user.
		return nil, misskey.ErrCredentialRequired
	}
	resp, err = core(c)
	if err == nil {
		s.notifyLocked()
	}
	return resp, err
}

// paramsValue returns the parameters as the validator takes them.
func (c *callState) paramsValue() any {
	if c.params == nil {
		// The body was valid JSON but not an object.
		v, _ := decodeJSON(c.body)
		return v
	}
	return c.params
}

// decodeRequest decodes the parameters into a new value of the request
// type, with the uploaded files in its file fields.
func (c *callState) decodeRequest() any {
	req := c.def.request()
	if err := json.Unmarshal(c.body, req); err != nil {
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) {
			return nil
		}
	}
	if c.def.files != nil && len(c.files) > 0 {
		m := make(map[string]UploadedFile, len(c.files))
		for _, f := range c.files {
			m[f.Field] = f
		}
		c.def.files(req, m)
	}
	return req
}

// unhandled answers a call that no handler and no part of the server's own
// Misskey answers.
func (c *callState) unhandled() answer {
	how := "SetHandler"
	if c.def != nil && c.def.goName != "" {
		how = "Handle" + c.def.goName + " (or SetHandler)"
	}
	msg := "misskeytest: nothing answers " + c.name + "; give it a handler with Server." + how
	c.s.log("%s", msg)
	return errorAnswer(&misskey.APIError{
		StatusCode: http.StatusNotImplemented,
		Code:       "MISSKEYTEST_UNHANDLED",
		ID:         unhandledErrorID,
		Message:    msg,
		Kind:       "server",
	}, 0)
}

// unhandledErrorID is the error id of an unhandled endpoint (misskeytest's
// own, not Misskey's).
const unhandledErrorID = "6d2b0f0e-5f4a-4c3e-9a57-7c1e3b6f0a11"

// ErrUnhandled matches (with errors.Is) the error a client gets for an
// endpoint nothing in the server answers.
var ErrUnhandled = &misskey.APIError{StatusCode: http.StatusNotImplemented, Code: "MISSKEYTEST_UNHANDLED", ID: unhandledErrorID, Kind: "server"}

// encode answers a successful call: nil or JSON null is 204 No Content.
// Answers of the server's own Misskey are conformed to the response type.
func (c *callState) encode(resp any, core bool) answer {
	var data []byte
	switch v := resp.(type) {
	case nil:
	case json.RawMessage:
		data = v
	case []byte:
		data = v
	default:
		b, err := marshalJSON(v)
		if err != nil {
			e := *misskey.ErrInternalError
			e.Info = mustJSON(map[string]any{"e": map[string]any{"message": "misskeytest: encoding the response: " + err.Error(), "code": "Error"}})
			return errorAnswer(&e, 0)
		}
		data = b
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || string(t) == "null" {
		return answer{status: http.StatusNoContent}
	}
	if core && c.def != nil && c.def.conform != nil {
		data = c.def.conform(data)
	}
	return answer{status: http.StatusOK, body: data}
}

// errorAnswer is Misskey's error document for e. retry, when positive, is
// sent as Retry-After (whole seconds, rounded up).
func errorAnswer(e *misskey.APIError, retry time.Duration) answer {
	status := e.StatusCode
	if status == 0 {
		switch e.Kind {
		case "client":
			status = http.StatusBadRequest
		case "permission":
			status = http.StatusForbidden
		default:
			status = http.StatusInternalServerError
		}
	}
	kind := e.Kind
	if kind == "" {
		kind = "client" // Misskey's default; the documents often leave it out
	}
	doc := map[string]any{"message": e.Message, "code": e.Code, "id": e.ID, "kind": kind}
	if len(e.Info) > 0 {
		doc["info"] = json.RawMessage(e.Info)
	}
	a := answer{status: status, body: mustJSON(map[string]any{"error": doc}), err: e}
	if retry > 0 {
		secs := int64((retry + time.Second - 1) / time.Second)
		a.header = http.Header{"Retry-After": {strconv.FormatInt(secs, 10)}}
	}
	return a
}

// fastifyAnswer is an error of Misskey's HTTP layer.
func fastifyAnswer(status int, code, message string) answer {
	return answer{status: status, body: mustJSON(map[string]any{
		"statusCode": status, "code": code, "error": http.StatusText(status), "message": message,
	}), err: &misskey.APIError{StatusCode: status, Code: code, Message: message}}
}

// record keeps the call, with its answer, for Calls.
func (c *callState) record(a answer) {
	call := Call{
		Endpoint: c.name,
		UserID:   c.userID,
		Body:     c.body,
		Files:    c.files,
		Status:   a.status,
		Err:      a.err,
		Time:     c.now,
	}
	if c.valid && c.def.request != nil {
		call.Request = c.decodeRequest()
	}
	c.s.mu.Lock()
	c.s.calls = append(c.s.calls, call)
	c.s.notifyLocked()
	c.s.mu.Unlock()
}

// readJSON reads a JSON body as Misskey's HTTP layer does.
func (c *callState) readJSON(r *http.Request, token *string) (answer, bool) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return answer{status: http.StatusBadRequest}, false
	}
	if len(data) > maxBody {
		return fastifyAnswer(http.StatusRequestEntityTooLarge, "FST_ERR_CTP_BODY_TOO_LARGE", "Request body is too large"), false
	}
	if mt != "application/json" && mt != "text/plain" {
		return fastifyAnswer(http.StatusUnsupportedMediaType, "FST_ERR_CTP_INVALID_MEDIA_TYPE", "Unsupported Media Type"), false
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fastifyAnswer(http.StatusBadRequest, "FST_ERR_CTP_EMPTY_JSON_BODY", "Body cannot be empty when content-type is set to 'application/json'"), false
	}
	v, err := decodeJSON(data)
	if err != nil {
		return fastifyAnswer(http.StatusBadRequest, "FST_ERR_CTP_INVALID_JSON_BODY", "Body is not valid JSON but content-type is set to 'application/json'"), false
	}
	obj, ok := v.(map[string]any)
	if !ok {
		c.body = data
		return answer{}, true
	}
	if i, ok := obj["i"]; ok {
		str, isString := i.(string)
		if !isString && i != nil {
			return answer{status: http.StatusBadRequest}, false
		}
		*token = str
		delete(obj, "i")
	}
	c.params = obj
	c.body = mustJSON(obj)
	return answer{}, true
}

// readMultipart reads a multipart body: text fields become string
// parameters, file parts files.
func (c *callState) readMultipart(r *http.Request, token *string) (answer, bool) {
	mr, err := r.MultipartReader()
	if err != nil {
		return answer{status: http.StatusBadRequest}, false
	}
	c.params = map[string]any{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return answer{status: http.StatusBadRequest}, false
		}
		data, err := io.ReadAll(io.LimitReader(part, 64<<20))
		if err != nil {
			return answer{status: http.StatusBadRequest}, false
		}
		name := part.FormName()
		if part.FileName() != "" {
			c.files = append(c.files, UploadedFile{Field: name, Name: part.FileName(), Data: data})
			continue
		}
		if name == "i" {
			*token = string(data)
			continue
		}
		c.params[name] = string(data)
	}
	if len(c.files) == 0 {
		// Misskey answers a multipart call without a file with a bare 400.
		return answer{status: http.StatusBadRequest}, false
	}
	c.body = mustJSON(c.params)
	return answer{}, true
}

// castFormFields turns the text of multipart fields whose property is a
// boolean or a number into that JSON value, as Misskey does.
func castFormFields(sch *schema, params map[string]any) *misskey.APIError {
	for _, p := range sch.props {
		str, ok := params[p.name].(string)
		if !ok || len(p.schema.types) == 0 {
			continue
		}
		t := p.schema.types[0]
		if t != "boolean" && t != "number" && t != "integer" {
			continue
		}
		v, err := decodeJSON([]byte(str))
		if err != nil {
			return &misskey.APIError{
				StatusCode: http.StatusBadRequest,
				Code:       "INVALID_PARAM",
				ID:         "0b5f1631-7c1a-41a6-b399-cce335f34d85",
				Message:    "Invalid param.",
				Kind:       "client",
				Info:       mustJSON(map[string]string{"param": p.name, "reason": "cannot cast to " + t}),
			}
		}
		params[p.name] = v
	}
	return nil
}

// marshalJSON encodes v as Misskey does: without escaping <, > and &.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// mustJSON is marshalJSON for values that always encode.
func mustJSON(v any) []byte {
	b, err := marshalJSON(v)
	if err != nil {
		panic("misskeytest: " + err.Error())
	}
	return b
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(mustJSON(v))
}

func itoa(n int) string { return strconv.Itoa(n) }

// reader returns the file as a reader whose Name is the file name.
func (f UploadedFile) reader() io.Reader {
	return misskey.NamedReader(f.Name, bytes.NewReader(f.Data))
}
