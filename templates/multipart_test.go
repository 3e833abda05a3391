package templates

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// driveCreateReq looks like the generated request of drive/files/create.
type driveCreateReq struct {
	FolderID    Optional[string]   `json:"folderId,omitzero"`
	Name        Optional[string]   `json:"name,omitzero"`
	Comment     Optional[string]   `json:"comment,omitzero"`
	IsSensitive Optional[bool]     `json:"isSensitive,omitzero"`
	Force       bool               `json:"force"`
	Size        Optional[int64]    `json:"size,omitzero"`
	Meta        map[string]any     `json:"meta,omitempty"`
	Tags        Optional[[]string] `json:"tags,omitzero"`
}

type multipartSeen struct {
	fields    map[string][]string
	files     map[string][]*multipart.FileHeader
	contents  map[string]string
	auth      string
	mediaType string
}

// multipartServer parses each request with ParseMultipartForm.
func multipartServer(t *testing.T, status int, body string) (*httptest.Server, chan multipartSeen) {
	t.Helper()
	seen := make(chan multipartSeen, 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			t.Errorf("ParseMultipartForm: %v", err)
			w.WriteHeader(400)
			return
		}
		s := multipartSeen{fields: r.MultipartForm.Value, files: r.MultipartForm.File, contents: map[string]string{}, auth: r.Header.Get("Authorization"), mediaType: mt}
		for field, fhs := range r.MultipartForm.File {
			f, _ := fhs[0].Open()
			b, _ := io.ReadAll(f)
			f.Close()
			s.contents[field] = string(b)
		}
		seen <- s
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, seen
}

func TestCallMultipart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "photo.png")
	if err := os.WriteFile(path, []byte("PNGDATA"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name         string
		opts         []Option
		req          any
		file         func() (io.Reader, string) // the body and what it holds
		wantFields   map[string]string          // every field, "i" included
		wantFileName string
	}{
		{
			name: "fields and *os.File",
			opts: []Option{WithToken(testToken)},
			req: &driveCreateReq{FolderID: Value("f1"), Name: Value("名前 \"q\".png"), Comment: Null[string](), IsSensitive: Value(true),
				Size: Value(int64(12)), Meta: map[string]any{"k": []int{1}}, Tags: Value([]string{"a", "b"})},
			file: func() (io.Reader, string) {
				f, err := os.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { f.Close() })
				return f, "PNGDATA"
			},
			wantFields:   map[string]string{"i": testToken, "folderId": "f1", "name": "名前 \"q\".png", "isSensitive": "true", "force": "false", "size": "12", "meta": `{"k":[1]}`, "tags": `["a","b"]`},
			wantFileName: "photo.png",
		},
		{
			name: "NamedReader takes the base name",
			opts: []Option{WithToken(testToken)},
			file: func() (io.Reader, string) {
				return NamedReader("some/dir/cat \"x\".jpg", strings.NewReader("JPEG")), "JPEG"
			},
			wantFields:   map[string]string{"i": testToken},
			wantFileName: `cat "x".jpg`,
		},
		{
			name:         "plain reader is named after the field",
			file:         func() (io.Reader, string) { return bytes.NewBufferString("DATA"), "DATA" },
			wantFields:   map[string]string{},
			wantFileName: "file",
		},
		{
			name:         "bearer mode sends no i field",
			opts:         []Option{WithToken(testToken), WithBearerAuth()},
			req:          map[string]any{"name": "x.txt"},
			file:         func() (io.Reader, string) { return NamedReader("x.txt", strings.NewReader("TEXT")), "TEXT" },
			wantFields:   map[string]string{"name": "x.txt"},
			wantFileName: "x.txt",
		},
		{
			name:         "empty name falls back to the field",
			opts:         []Option{WithToken(testToken)},
			file:         func() (io.Reader, string) { return NamedReader("", strings.NewReader("X")), "X" },
			wantFields:   map[string]string{"i": testToken},
			wantFileName: "file",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, seen := multipartServer(t, 200, `{"id":"file1","name":"photo.png"}`)
			c := NewClient(srv.URL, tt.opts...)
			body, content := tt.file()
			var out struct {
				ID string `json:"id"`
			}
			if err := c.callMultipart(context.Background(), "drive/files/create", tt.req, []FormFile{{Field: "file", Body: body}}, &out); err != nil {
				t.Fatal(err)
			}
			if out.ID != "file1" {
				t.Errorf("response = %+v", out)
			}
			s := <-seen
			if s.mediaType != "multipart/form-data" {
				t.Errorf("content type %q", s.mediaType)
			}
			got := map[string]string{}
			for k, v := range s.fields {
				if len(v) != 1 {
					t.Errorf("field %s sent %d times", k, len(v))
				}
				got[k] = v[0]
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.wantFields) {
				t.Errorf("fields:\ngot  %v\nwant %v", got, tt.wantFields)
			}
			if fh := s.files["file"]; len(fh) != 1 || fh[0].Filename != tt.wantFileName {
				t.Errorf("file parts = %+v, want one named %q", fh, tt.wantFileName)
			}
			if s.contents["file"] != content {
				t.Errorf("file content = %q, want %q", s.contents["file"], content)
			}
			wantAuth := ""
			if c.bearer {
				wantAuth = "Bearer " + testToken
			}
			if s.auth != wantAuth {
				t.Errorf("Authorization = %q", s.auth)
			}
		})
	}
}

// gatedReader produces size bytes, but after the first chunk it waits until
// the server has received data: a client that buffered the whole body before
// sending would never get past it.
type gatedReader struct {
	size, read int
	gate       <-chan struct{}
	timeout    time.Duration
}

func (r *gatedReader) Read(p []byte) (int, error) {
	if r.read >= r.size {
		return 0, io.EOF
	}
	if r.read >= 64<<10 && r.gate != nil {
		select {
		case <-r.gate:
			r.gate = nil
		case <-time.After(r.timeout):
			return 0, errors.New("body not streamed: the server saw nothing after the first chunk")
		}
	}
	n := min(len(p), r.size-r.read)
	for i := range p[:n] {
		p[i] = byte('a' + (r.read+i)%26)
	}
	r.read += n
	return n, nil
}

func TestCallMultipartStreams(t *testing.T) {
	const size = 32 << 20
	gate := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength != -1 {
			t.Errorf("ContentLength = %d, want -1 (streamed)", r.ContentLength)
		}
		mr, err := r.MultipartReader()
		if err != nil {
			t.Error(err)
			return
		}
		total, opened := 0, false
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Error(err)
				return
			}
			if part.FormName() != "file" {
				continue
			}
			buf := make([]byte, 32<<10)
			for {
				n, err := part.Read(buf)
				for i := 0; i < n; i++ {
					if buf[i] != byte('a'+(total+i)%26) {
						t.Errorf("byte %d corrupted", total+i)
						return
					}
				}
				total += n
				if total > 0 && !opened {
					opened = true
					close(gate)
				}
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}
		fmt.Fprintf(w, `{"size":%d}`, total)
	}))
	defer srv.Close()
	var out struct {
		Size int `json:"size"`
	}
	body := &gatedReader{size: size, gate: gate, timeout: 10 * time.Second}
	err := NewClient(srv.URL, WithToken(testToken)).callMultipart(context.Background(), "drive/files/create",
		&driveCreateReq{Name: Value("big.bin")}, []FormFile{{Field: "file", Body: body}}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if out.Size != size {
		t.Errorf("server got %d bytes, want %d", out.Size, size)
	}
}

func TestCallMultipartErrors(t *testing.T) {
	srv, _ := multipartServer(t, 400, recInvalidParam)
	c := NewClient(srv.URL, WithToken(testToken))
	ctx := context.Background()

	err := c.callMultipart(ctx, "drive/files/create", nil, []FormFile{{Field: "file", Body: strings.NewReader("x")}}, nil)
	if !errors.Is(err, ErrInvalidParam) {
		t.Errorf("API error: %v", err)
	}
	assertNoToken(t, err)

	for _, files := range [][]FormFile{{{Field: "", Body: strings.NewReader("x")}}, {{Field: "file"}}} {
		err = c.callMultipart(ctx, "drive/files/create", nil, files, nil)
		if err == nil || !strings.Contains(err.Error(), "drive/files/create") {
			t.Errorf("bad FormFile: %v", err)
		}
	}
	err = c.callMultipart(ctx, "drive/files/create", []string{"x"}, nil, nil)
	if err == nil {
		t.Error("non-object request accepted")
	}

	// A file that fails to read: the error says so (not what the transport
	// made of it).
	ok := httptest.NewServer(answer(200, "application/json", `{}`))
	defer ok.Close()
	boom := errors.New("disk on fire")
	err = NewClient(ok.URL, WithToken(testToken)).callMultipart(ctx, "drive/files/create", nil,
		[]FormFile{{Field: "file", Body: io.MultiReader(strings.NewReader("abc"), errReader{boom})}}, nil)
	if err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.Contains(err.Error(), "multipart") {
		t.Errorf("read error: %v", err)
	}
	assertNoToken(t, err)

	// A cancelled context ends a call whose file blocks.
	blocked := make(chan struct{})
	defer close(blocked)
	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	err = NewClient(ok.URL).callMultipart(cctx, "drive/files/create", nil, []FormFile{{Field: "file", Body: blockingReader(blocked)}}, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("blocked file: %v", err)
	}
}

type blockingReader chan struct{}

func (b blockingReader) Read(p []byte) (int, error) {
	<-b
	return 0, io.EOF
}

func TestFormFields(t *testing.T) {
	fields, err := formFields("x", &driveCreateReq{Name: Value("n"), Comment: Null[string](), Force: true, Meta: map[string]any{"b": 2, "a": "s"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []formField{{"name", "n"}, {"force", "true"}, {"meta", `{"a":"s","b":2}`}}
	if fmt.Sprint(fields) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", fields, want)
	}
	for _, req := range []any{nil, (*driveCreateReq)(nil), map[string]any{}} {
		if f, err := formFields("x", req); err != nil || len(f) != 0 {
			t.Errorf("%#v: %v %v", req, f, err)
		}
	}
}

func TestFileName(t *testing.T) {
	tests := []struct {
		body io.Reader
		want string
	}{
		{NamedReader("a.png", nil), "a.png"},
		{NamedReader("/abs/dir/b.png", nil), "b.png"},
		{NamedReader(`C:\Users\x\c.png`, nil), "c.png"},
		{NamedReader("dir/", nil), "field"},
		{NamedReader("..", nil), "field"},
		{strings.NewReader(""), "field"},
	}
	for _, tt := range tests {
		if got := fileName(FormFile{Field: "field", Body: tt.body}); got != tt.want {
			t.Errorf("fileName(%v) = %q, want %q", tt.body, got, tt.want)
		}
	}
	if _, ok := NamedReader("x", strings.NewReader("")).(io.Seeker); !ok {
		t.Error("NamedReader of a seeker is not a seeker")
	}
	if _, ok := NamedReader("x", bytes.NewBufferString("")).(io.Seeker); ok {
		t.Error("NamedReader of a non-seeker is a seeker")
	}
}
