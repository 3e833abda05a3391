package templates

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/textproto"
	"path/filepath"
	"strings"
)

// FormFile is a file sent with a multipart call, such as drive/files/create.
type FormFile struct {
	// Field is the form field, "file" for drive/files/create.
	Field string
	// Body is the file's content, read as the request is sent (it is not
	// held in memory). Its file name is the base name of Body.Name() when
	// Body has that method (an *os.File; see NamedReader), else Field.
	Body io.Reader
}

// NamedReader returns a reader of r whose file name, in a multipart upload,
// is name. It is an io.Seeker when r is one, so that a call with a retry
// policy can send it again.
func NamedReader(name string, r io.Reader) io.Reader {
	if rs, ok := r.(io.ReadSeeker); ok {
		return &namedReadSeeker{ReadSeeker: rs, name: name}
	}
	return &namedReader{Reader: r, name: name}
}

type namedReader struct {
	io.Reader
	name string
}

func (r *namedReader) Name() string { return r.name }

type namedReadSeeker struct {
	io.ReadSeeker
	name string
}

func (r *namedReadSeeker) Name() string { return r.name }

// formField is one text field of a multipart request.
type formField struct{ name, value string }

// errCallDone stops the goroutine that writes a multipart body once the call
// no longer reads it.
var errCallDone = errors.New("misskey: call finished")

// callMultipart POSTs a multipart/form-data request: the token as field "i"
// (unless the client sends it as a Bearer header), every top-level property
// of req as a field (strings as their text, null left out, other values as
// their JSON), and each file as a file part. The body is streamed.
func (c *Client) callMultipart(ctx context.Context, endpoint string, req any, files []FormFile, resp any) error {
	if err := checkEndpoint(endpoint); err != nil {
		return err
	}
	fields, err := formFields(endpoint, req)
	if err != nil {
		return err
	}
	// A retry must send the files again: note where each starts.
	replayable := c.retry != nil
	offsets := make([]int64, len(files))
	for i, f := range files {
		if f.Field == "" || f.Body == nil {
			return errorf(endpoint, "file %d has no field name or no body", i)
		}
		if !replayable {
			continue
		}
		if s, ok := f.Body.(io.Seeker); ok {
			if offsets[i], err = s.Seek(0, io.SeekCurrent); err == nil {
				continue
			}
		}
		replayable = false
	}
	for attempt := 1; ; attempt++ {
		if attempt > 1 {
			for i, f := range files {
				if _, err := f.Body.(io.Seeker).Seek(offsets[i], io.SeekStart); err != nil {
					return errorf(endpoint, "rewinding file %d to retry: %w", i, err)
				}
			}
		}
		err := c.sendMultipart(ctx, endpoint, fields, files, resp)
		if err == nil || !replayable {
			return err
		}
		if err = c.retry.pause(ctx, endpoint, attempt, err); err != nil {
			return err
		}
	}
}

// sendMultipart sends one multipart request, writing its body through a pipe
// as the transport reads it.
func (c *Client) sendMultipart(ctx context.Context, endpoint string, fields []formField, files []FormFile, resp any) error {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	contentType := []string{mw.FormDataContentType()}
	writeErr := make(chan error, 1)
	go func() {
		err := c.writeForm(mw, fields, files)
		pw.CloseWithError(err)
		writeErr <- err
	}()
	// net/http waits for the body to be written before it returns, even
	// when the context is done; a file whose Read blocks would hold the
	// call. Cutting the pipe ends the body at once.
	stop := context.AfterFunc(ctx, func() { pr.CloseWithError(context.Cause(ctx)) })
	err := c.exchange(ctx, endpoint, pr, -1, contentType, resp)
	stop()
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		// The transport may report the cut pipe before it notices the
		// context: the context is why the call ended.
		err = wrapTransportError(endpoint, context.Cause(ctx), c.token)
	}
	pr.CloseWithError(errCallDone) // unblocks the writer if the transport stopped reading early
	// Wait for the writer, so that no file is read after the call returns;
	// but a file whose Read blocks cannot hold a cancelled call.
	var werr error
	select {
	case werr = <-writeErr:
	case <-ctx.Done():
		return err
	}
	if werr != nil && !errors.Is(werr, errCallDone) && !errors.Is(werr, io.ErrClosedPipe) {
		// The upload failed on our side (a file could not be read): that
		// is the error to report, not what the transport made of it.
		var apiErr *APIError
		if err == nil || !errors.As(err, &apiErr) {
			return errorf(endpoint, "writing multipart body: %s", redact(werr.Error(), c.token))
		}
	}
	return err
}

// writeForm writes the whole multipart body.
func (c *Client) writeForm(mw *multipart.Writer, fields []formField, files []FormFile) error {
	if c.token != "" && !c.bearer {
		if err := mw.WriteField("i", c.token); err != nil {
			return err
		}
	}
	for _, f := range fields {
		if err := mw.WriteField(f.name, f.value); err != nil {
			return err
		}
	}
	for _, f := range files {
		h := make(textproto.MIMEHeader, 2)
		h.Set("Content-Disposition", `form-data; name="`+quoteParam(f.Field)+`"; filename="`+quoteParam(fileName(f))+`"`)
		h.Set("Content-Type", "application/octet-stream")
		w, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if _, err := io.Copy(w, f.Body); err != nil {
			return err
		}
	}
	return mw.Close()
}

// fileName is the file name a file part carries.
func fileName(f FormFile) string {
	if n, ok := f.Body.(interface{ Name() string }); ok {
		name := n.Name()
		if i := strings.LastIndexAny(name, `/\`); i >= 0 {
			name = name[i+1:]
		}
		name = filepath.Base(name)
		if name != "" && name != "." && name != ".." && name != string(filepath.Separator) {
			return name
		}
	}
	return f.Field
}

var paramQuoter = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", "")

// quoteParam escapes a Content-Disposition parameter value as mime/multipart
// does, and drops line breaks.
func quoteParam(s string) string { return paramQuoter.Replace(s) }

// formFields turns req into multipart text fields, in the order of its JSON
// encoding.
func formFields(endpoint string, req any) ([]formField, error) {
	if req == nil {
		return nil, nil
	}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, errorf(endpoint, "encoding request: %w", err)
	}
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil, nil
	}
	if len(b) == 0 || b[0] != '{' {
		return nil, errorf(endpoint, "request must encode to a JSON object, not %s", encodedKind(b))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // {
		return nil, errorf(endpoint, "encoding request: %w", err)
	}
	var fields []formField
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errorf(endpoint, "encoding request: %w", err)
		}
		name, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, errorf(endpoint, "encoding request: %w", err)
		}
		switch raw[0] {
		case 'n': // null: not sent
		case '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, errorf(endpoint, "encoding request: %w", err)
			}
			fields = append(fields, formField{name, s})
		default:
			fields = append(fields, formField{name, string(raw)})
		}
	}
	return fields, nil
}
