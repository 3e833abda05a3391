package misskey

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestIUpdateSendsAbsentNullAndValue proves the three states of an optional
// request field on the wire: Misskey's i/update clears the profile text when
// "description" is null, sets it when it is a string, and leaves it alone
// when the property is absent. The fake server records the exact body.
func TestIUpdateSendsAbsentNullAndValue(t *testing.T) {
	var got []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/i/update" {
			t.Errorf("path %s, want /api/i/update", r.URL.Path)
		}
		got, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"9abcdefghi","username":"alice","description":null}`)
	}))
	defer srv.Close()

	cases := []struct {
		name string
		req  IUpdateRequest
		want string // the body, exactly
	}{
		{"null clears", IUpdateRequest{Description: Null[string]()}, `{"i":"tok","description":null}`},
		{"value sets", IUpdateRequest{Description: Value("x")}, `{"i":"tok","description":"x"}`},
		{"absent leaves alone", IUpdateRequest{}, `{"i":"tok"}`},
		{"empty string is a value", IUpdateRequest{Description: Value("")}, `{"i":"tok","description":""}`},
		{"with others", IUpdateRequest{Description: Null[string](), Name: Value("Alice"), IsCat: Ptr(false)}, `{"i":"tok","name":"Alice","description":null,"isCat":false}`},
	}
	for _, withToken := range []bool{true, false} {
		var opts []Option
		if withToken {
			opts = append(opts, WithToken("tok"))
		}
		c := NewClient(srv.URL, opts...)
		for _, tc := range cases {
			want := tc.want
			if !withToken {
				want = stripToken(t, want)
			}
			got = nil
			me, err := c.IUpdate(context.Background(), &tc.req)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if string(got) != want {
				t.Errorf("%s (token %v): sent %s, want %s", tc.name, withToken, got, want)
			}
			if me.Description != nil {
				t.Errorf("%s: response description %q, want nil for null", tc.name, *me.Description)
			}
		}
	}

	// The same three states survive decoding a request from JSON and
	// encoding it again.
	for _, in := range []string{`{"description":null}`, `{"description":"x"}`, `{}`} {
		var r IUpdateRequest
		if err := json.Unmarshal([]byte(in), &r); err != nil {
			t.Fatal(err)
		}
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != in {
			t.Errorf("decoded %s and encoded %s", in, out)
		}
	}
	var r IUpdateRequest
	_ = json.Unmarshal([]byte(`{"description":null}`), &r)
	if !r.Description.IsNull() || !r.Description.IsSet() {
		t.Errorf("null decoded as %v", r.Description)
	}
	r = IUpdateRequest{}
	_ = json.Unmarshal([]byte(`{}`), &r)
	if r.Description.IsSet() {
		t.Errorf("absent decoded as %v", r.Description)
	}
}

// stripToken removes the leading "i" member the client splices in.
func stripToken(t *testing.T, body string) string {
	t.Helper()
	const prefix = `{"i":"tok"`
	if len(body) < len(prefix) || body[:len(prefix)] != prefix {
		t.Fatalf("no token in %s", body)
	}
	rest := body[len(prefix):]
	if rest == "}" {
		return "{}"
	}
	return "{" + rest[1:]
}
