package templates

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Error bodies below are copied from the recordings of real servers
// (shared/recordings/*/errors), except where a test says otherwise.
const (
	recNoSuchRenoteTarget = `{"error":{"message":"No such renote target.","code":"NO_SUCH_RENOTE_TARGET","id":"b5c90186-4ab0-49c8-9bba-a1f76c282ba4","kind":"client"}}`
	recRateLimit          = `{"error":{"message":"Rate limit exceeded. Please try again later.","code":"RATE_LIMIT_EXCEEDED","id":"d5826d14-3982-4d2e-8011-b9e9f02499ef","kind":"client","info":{"remaining":0,"reset":1795551170,"resetMs":1795551170717,"total":1}}}`
	recInternalError      = `{"error":{"message":"Internal error occurred. Please contact us if the error persists.","code":"INTERNAL_ERROR","id":"5d37dbcb-891e-41ca-a3d6-e690c97775ac","kind":"server","info":{"e":{"message":"Could not find any entity of type \"MiEmoji\"","code":"EntityNotFoundError","id":"b09da08b-4aae-4430-9f81-9050e468cf30"}}}}`
	recBodyTooLarge       = `{"statusCode":413,"code":"FST_ERR_CTP_BODY_TOO_LARGE","error":"Payload Too Large","message":"Request body is too large"}`
	recUnsupportedMedia   = `{"statusCode":415,"code":"FST_ERR_CTP_INVALID_MEDIA_TYPE","error":"Unsupported Media Type","message":"Unsupported Media Type: application/xml"}`
	recRouteNotFound      = `{"message":"Route POST:/api/no-such-endpoint not found","error":"Not Found","statusCode":404}`
	recMalformedJSON      = `{"statusCode":400,"error":"Bad Request","message":"Expected double-quoted property name in JSON at position 17"}`
	recEmptyJSONBody      = `{"statusCode":400,"code":"FST_ERR_CTP_EMPTY_JSON_BODY","error":"Bad Request","message":"Body cannot be empty when content-type is set to 'application/json'"}`
	recAuthFailed         = `{"error":{"message":"Authentication failed. Please ensure your token is correct.","code":"AUTHENTICATION_FAILED","id":"b0a7f5f8-dc2f-4171-b91f-de88ad238e14","kind":"client"}}`
	recCredentialRequired = `{"error":{"message":"Credential required.","code":"CREDENTIAL_REQUIRED","id":"1384574d-a912-4b81-8601-c7b1c4085df1","kind":"client"}}`
	recPermissionDenied   = `{"error":{"message":"Your app does not have the necessary permissions to use this endpoint.","code":"PERMISSION_DENIED","id":"1370e5b7-d4eb-4566-bb1d-7748ee6a1838","kind":"permission"}}`
	recNotAdmin           = `{"error":{"message":"You are not assigned to an administrator role.","code":"ROLE_PERMISSION_DENIED","id":"c3d38592-54c0-429d-be96-5636b0431a61","kind":"permission"}}`
	recNotModerator       = `{"error":{"message":"You are not assigned to a moderator role.","code":"ROLE_PERMISSION_DENIED","id":"d33d5333-db36-423d-a8f9-1a2b9549da41","kind":"permission"}}`
	recSecureEndpoint     = `{"error":{"message":"Access denied.","code":"ACCESS_DENIED","id":"56f35758-7dd5-468b-8439-5d6fb8ec9b8e","kind":"client"}}`
	recNoteAccessDenied   = `{"error":{"message":"Access denied.","code":"ACCESS_DENIED","id":"fe8d7103-0ea8-4ec3-814d-f8b401dc69e9","kind":"client"}}`
	recSuspended          = `{"error":{"message":"Your account has been suspended.","code":"YOUR_ACCOUNT_SUSPENDED","id":"a8c724b3-6e9c-4b46-b1a8-bc3ed6258370","kind":"permission"}}`
	recUnknownEndpoint    = `{"error":{"message":"Unknown API endpoint.","code":"UNKNOWN_API_ENDPOINT","id":"2ca3b769-540a-4f08-9dd5-b5a825b6d0f1","kind":"client"}}`
	recInvalidParam       = `{"error":{"message":"Invalid param.","code":"INVALID_PARAM","id":"3d81ceae-475f-4600-b2a8-2bc116157532","kind":"client","info":{"param":"#/properties/noteId/type","reason":"must be string"}}}`
)

func TestNewAPIError(t *testing.T) {
	now := time.UnixMilli(1795551167717) // 3 s before the recorded resetMs
	tests := []struct {
		name       string
		status     int
		header     http.Header
		body       string
		want       APIError // Endpoint, Info and Body are checked apart
		wantInfo   bool
		wantBody   string // substring of Body; "" means Body must be empty
		wantErrStr string
	}{
		{
			name: "misskey error", status: 400, body: recNoSuchRenoteTarget,
			want:       APIError{StatusCode: 400, Code: "NO_SUCH_RENOTE_TARGET", ID: "b5c90186-4ab0-49c8-9bba-a1f76c282ba4", Message: "No such renote target.", Kind: "client"},
			wantErrStr: "misskey: notes/create: 400 NO_SUCH_RENOTE_TARGET (b5c90186-4ab0-49c8-9bba-a1f76c282ba4): No such renote target.",
		},
		{
			name: "rate limit with Retry-After", status: 429, header: http.Header{"Retry-After": {"60"}}, body: recRateLimit,
			want:       APIError{StatusCode: 429, Code: "RATE_LIMIT_EXCEEDED", ID: ErrRateLimitExceeded.ID, Message: "Rate limit exceeded. Please try again later.", Kind: "client", RetryAfter: time.Minute},
			wantInfo:   true,
			wantErrStr: "misskey: notes/create: 429 RATE_LIMIT_EXCEEDED (d5826d14-3982-4d2e-8011-b9e9f02499ef): Rate limit exceeded. Please try again later. (retry after 1m0s)",
		},
		{
			name: "rate limit without Retry-After uses info.resetMs", status: 429, body: recRateLimit,
			want:     APIError{StatusCode: 429, Code: "RATE_LIMIT_EXCEEDED", ID: ErrRateLimitExceeded.ID, Message: "Rate limit exceeded. Please try again later.", Kind: "client", RetryAfter: 3 * time.Second},
			wantInfo: true,
		},
		{
			name: "internal error", status: 500, body: recInternalError,
			want:     APIError{StatusCode: 500, Code: "INTERNAL_ERROR", ID: ErrInternalError.ID, Message: ErrInternalError.Message, Kind: "server"},
			wantInfo: true,
		},
		{
			name: "fastify 413", status: 413, body: recBodyTooLarge,
			want:       APIError{StatusCode: 413, Code: "FST_ERR_CTP_BODY_TOO_LARGE", Message: "Request body is too large"},
			wantBody:   "FST_ERR_CTP_BODY_TOO_LARGE",
			wantErrStr: "misskey: notes/create: 413 FST_ERR_CTP_BODY_TOO_LARGE: Request body is too large",
		},
		{
			name: "fastify 415", status: 415, body: recUnsupportedMedia,
			want:     APIError{StatusCode: 415, Code: "FST_ERR_CTP_INVALID_MEDIA_TYPE", Message: "Unsupported Media Type: application/xml"},
			wantBody: "Unsupported",
		},
		{
			name: "fastify 404 without code", status: 404, body: recRouteNotFound,
			want:       APIError{StatusCode: 404, Message: "Route POST:/api/no-such-endpoint not found"},
			wantBody:   "Route POST",
			wantErrStr: "misskey: notes/create: 404 Not Found: Route POST:/api/no-such-endpoint not found",
		},
		{
			name: "fastify malformed JSON", status: 400, body: recMalformedJSON,
			want:     APIError{StatusCode: 400, Message: "Expected double-quoted property name in JSON at position 17"},
			wantBody: "Bad Request",
		},
		{
			name: "fastify empty JSON body", status: 400, body: recEmptyJSONBody,
			want:     APIError{StatusCode: 400, Code: "FST_ERR_CTP_EMPTY_JSON_BODY", Message: "Body cannot be empty when content-type is set to 'application/json'"},
			wantBody: "FST_ERR_CTP_EMPTY_JSON_BODY",
		},
		{
			name: "405 without body", status: 405,
			want:       APIError{StatusCode: 405, Message: "empty response body"},
			wantErrStr: "misskey: notes/create: 405 Method Not Allowed: empty response body",
		},
		{
			name: "400 without body", status: 400,
			want: APIError{StatusCode: 400, Message: "empty response body"},
		},
		{
			// Not recorded: what a reverse proxy in front of Misskey sends.
			name: "HTML from a proxy", status: 502, header: http.Header{"Content-Type": {"text/html"}},
			body:       "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
			want:       APIError{StatusCode: 502, Message: `HTML page instead of a Misskey error: "502 Bad Gateway"`},
			wantBody:   "<head><title>502 Bad Gateway</title></head> <body>",
			wantErrStr: `misskey: notes/create: 502 Bad Gateway: HTML page instead of a Misskey error: "502 Bad Gateway"`,
		},
		{
			name: "plain text", status: 503, header: http.Header{"Content-Type": {"text/plain"}, "Retry-After": {"120"}},
			body:     "upstream connect error\x00 or disconnect",
			want:     APIError{StatusCode: 503, Message: `unexpected response (text/plain) instead of a Misskey error: "upstream connect error\x00 or disconnect"`, RetryAfter: 2 * time.Minute},
			wantBody: `upstream connect error\x00 or disconnect`,
		},
		{
			name: "other JSON", status: 500, header: http.Header{"Content-Type": {"application/json"}},
			body:     `{"detail":"boom"}`,
			want:     APIError{StatusCode: 500, Message: `unexpected JSON (application/json) instead of a Misskey error: "{\"detail\":\"boom\"}"`},
			wantBody: `{"detail":"boom"}`,
		},
		{
			name: "truncated misskey error", status: 400, header: http.Header{"Content-Type": {"application/json"}},
			body:     `{"error":{"message":"No such note.","code":"NO_SU`,
			want:     APIError{StatusCode: 400, Message: `unexpected response (application/json) instead of a Misskey error: "{\"error\":{\"message\":\"No such note.\",\"code\":\"NO_SU"`},
			wantBody: `"code":"NO_SU`,
		},
		{
			name: "misskey error with a member of the wrong type", status: 400,
			body:     `{"error":{"message":["not","a","string"],"code":"NO_SUCH_NOTE","id":"24fcbfc6-2e37-42b6-8388-c29b3861a08d","kind":7,"info":"x"}}`,
			want:     APIError{StatusCode: 400, Code: "NO_SUCH_NOTE", ID: "24fcbfc6-2e37-42b6-8388-c29b3861a08d"},
			wantInfo: true,
		},
		{
			name: "fastify error with a member of the wrong type", status: 413, body: `{"statusCode":"413","code":"FST_ERR_CTP_BODY_TOO_LARGE","error":"Payload Too Large","message":"Request body is too large"}`,
			want:     APIError{StatusCode: 413, Code: "FST_ERR_CTP_BODY_TOO_LARGE", Message: "Request body is too large"},
			wantBody: "FST_ERR",
		},
		{
			name: "error that is not an object", status: 400, body: `{"error":"oops"}`,
			want:     APIError{StatusCode: 400, Message: `unexpected JSON (no content type) instead of a Misskey error: "{\"error\":\"oops\"}"`},
			wantBody: "oops",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			e := newAPIError("notes/create", tt.status, h, []byte(tt.body), testToken, now)
			got := *e
			got.Info, got.Body = nil, nil
			want := tt.want
			want.Endpoint = "notes/create"
			if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", want) {
				t.Errorf("got  %#v\nwant %#v", got, want)
			}
			if (len(e.Info) > 0) != tt.wantInfo || (len(e.Info) > 0 && !json.Valid(e.Info)) {
				t.Errorf("Info = %s", e.Info)
			}
			if tt.wantBody == "" && e.Body != nil {
				t.Errorf("Body = %q, want none", e.Body)
			}
			if tt.wantBody != "" && !strings.Contains(string(e.Body), tt.wantBody) {
				t.Errorf("Body = %q, want it to contain %q", e.Body, tt.wantBody)
			}
			if tt.wantErrStr != "" && e.Error() != tt.wantErrStr {
				t.Errorf("Error() = %q\nwant      %q", e.Error(), tt.wantErrStr)
			}
		})
	}
}

func TestAPIErrorBodyIsShortAndSanitised(t *testing.T) {
	body := "<html><title>x</title>" + strings.Repeat("a\tb\x1b[31m ", 1000) + testToken + "\xff</html>"
	e := newAPIError("i", 500, http.Header{"Content-Type": {"text/html"}}, []byte(body), testToken, time.Now())
	if len(e.Body) > maxErrorSnippet+3 {
		t.Errorf("Body is %d bytes", len(e.Body))
	}
	for _, r := range string(e.Body) {
		if r < 0x20 || r == 0x7f {
			t.Fatalf("Body has control character %q: %q", r, e.Body)
		}
	}
	short := newAPIError("i", 500, http.Header{}, []byte("bad "+testToken+" \xff"), testToken, time.Now())
	if want := `bad <redacted> \xff`; string(short.Body) != want {
		t.Errorf("Body = %q, want %q", short.Body, want)
	}
	assertNoToken(t, short)
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	rl := func(info string) *APIError {
		return &APIError{StatusCode: 429, ID: ErrRateLimitExceeded.ID, Info: json.RawMessage(info)}
	}
	tests := []struct {
		name   string
		header string
		err    *APIError
		want   time.Duration
	}{
		{"seconds", "3", &APIError{StatusCode: 429}, 3 * time.Second},
		{"seconds with spaces", " 60 ", &APIError{StatusCode: 503}, time.Minute},
		{"zero", "0", &APIError{StatusCode: 429}, 0},
		{"negative", "-5", &APIError{StatusCode: 429}, 0},
		{"HTTP date", now.Add(90 * time.Second).Format(http.TimeFormat), &APIError{StatusCode: 429}, 90 * time.Second},
		{"HTTP date in the past", now.Add(-time.Hour).Format(http.TimeFormat), &APIError{StatusCode: 429}, 0},
		{"garbage", "soon", &APIError{StatusCode: 429}, 0},
		{"header wins over info", "3", rl(`{"resetMs":` + fmt.Sprint(now.Add(time.Hour).UnixMilli()) + `}`), 3 * time.Second},
		{"resetMs", "", rl(`{"remaining":0,"reset":1,"resetMs":` + fmt.Sprint(now.Add(1500*time.Millisecond).UnixMilli()) + `,"total":1}`), 1500 * time.Millisecond},
		{"reset seconds", "", rl(`{"reset":` + fmt.Sprint(now.Add(7*time.Second).Unix()) + `}`), 7 * time.Second},
		{"reset in the past", "", rl(`{"resetMs":` + fmt.Sprint(now.Add(-time.Second).UnixMilli()) + `}`), 0},
		{"info of another error", "", &APIError{StatusCode: 400, Info: json.RawMessage(`{"resetMs":` + fmt.Sprint(now.Add(time.Hour).UnixMilli()) + `}`)}, 0},
		{"odd info", "", rl(`{"resetMs":"later"}`), 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.header, tt.err, now); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestErrorsIsAndAs(t *testing.T) {
	perEndpoint := &APIError{Code: "NO_SUCH_RENOTE_TARGET", ID: "b5c90186-4ab0-49c8-9bba-a1f76c282ba4", Message: "No such renote target."}
	tests := []struct {
		name   string
		status int
		body   string
		target error
		want   bool
	}{
		{"credential required", 401, recCredentialRequired, ErrCredentialRequired, true},
		{"authentication failed", 401, recAuthFailed, ErrAuthenticationFailed, true},
		{"authentication failed is not credential required", 401, recAuthFailed, ErrCredentialRequired, false},
		{"rate limit", 429, recRateLimit, ErrRateLimitExceeded, true},
		{"rate limit from a proxy", 429, "Too Many Requests", ErrRateLimitExceeded, true},
		{"proxy 429 is not another error", 429, "", ErrInternalError, false},
		{"invalid param", 400, recInvalidParam, ErrInvalidParam, true},
		{"internal error", 500, recInternalError, ErrInternalError, true},
		{"permission denied", 403, recPermissionDenied, ErrPermissionDenied, true},
		{"role permission (admin) by code", 403, recNotAdmin, ErrRolePermissionDenied, true},
		{"role permission (moderator) by code", 403, recNotModerator, ErrRolePermissionDenied, true},
		{"access denied (secure endpoint)", 403, recSecureEndpoint, ErrAccessDenied, true},
		{"another endpoint's ACCESS_DENIED has another id", 400, recNoteAccessDenied, ErrAccessDenied, false},
		{"suspended", 403, recSuspended, ErrYourAccountSuspended, true},
		{"unknown endpoint", 404, recUnknownEndpoint, ErrUnknownAPIEndpoint, true},
		{"per-endpoint error", 400, recNoSuchRenoteTarget, perEndpoint, true},
		{"per-endpoint error, other id", 400, recNoSuchRenoteTarget, &APIError{Code: "NO_SUCH_RENOTE_TARGET", ID: "other"}, false},
		{"same id, other message language", 400, strings.Replace(recNoSuchRenoteTarget, "No such renote target.", "リノート対象がありません", 1), perEndpoint, true},
		{"empty target matches nothing", 400, recNoSuchRenoteTarget, &APIError{}, false},
		{"fastify code", 413, recBodyTooLarge, &APIError{Code: "FST_ERR_CTP_BODY_TOO_LARGE"}, true},
		{"code-only target, other code", 400, recNoSuchRenoteTarget, &APIError{Code: "NO_SUCH_NOTE"}, false},
		{"role permission target, other error", 403, recPermissionDenied, ErrRolePermissionDenied, false},
		{"not an APIError target", 400, recNoSuchRenoteTarget, errors.New("x"), false},
		{"typed nil target", 400, recNoSuchRenoteTarget, (*APIError)(nil), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(answer(tt.status, "application/json", tt.body))
			defer srv.Close()
			err := NewClient(srv.URL, WithToken(testToken)).call(context.Background(), "notes/create", nil, nil)
			if got := errors.Is(err, tt.target); got != tt.want {
				t.Errorf("errors.Is(%v, %v) = %v", err, tt.target, got)
			}
			wrapped := fmt.Errorf("posting: %w", err)
			if got := errors.Is(wrapped, tt.target); got != tt.want {
				t.Errorf("wrapped: errors.Is = %v", got)
			}
			var apiErr *APIError
			if !errors.As(wrapped, &apiErr) || apiErr.StatusCode != tt.status || apiErr.Endpoint != "notes/create" {
				t.Errorf("errors.As: %#v", apiErr)
			}
			assertNoToken(t, err)
		})
	}
}

func TestSentinels(t *testing.T) {
	for _, s := range []*APIError{ErrInvalidParam, ErrCredentialRequired, ErrAuthenticationFailed, ErrPermissionDenied,
		ErrRolePermissionDenied, ErrAccessDenied, ErrYourAccountSuspended, ErrUnknownAPIEndpoint, ErrIAmAI,
		ErrRateLimitExceeded, ErrInternalError} {
		if s.Code == "" || s.Message == "" || s.StatusCode == 0 {
			t.Errorf("incomplete sentinel %#v", s)
		}
		if s.ID == "" && s != ErrRolePermissionDenied {
			t.Errorf("sentinel without id %#v", s)
		}
		if !errors.Is(s, s) {
			t.Errorf("%v is not itself", s)
		}
	}
}

func TestTemporary(t *testing.T) {
	for status, want := range map[int]bool{429: true, 502: true, 503: true, 504: true, 500: false, 400: false, 401: false} {
		if got := (&APIError{StatusCode: status}).Temporary(); got != want {
			t.Errorf("%d: Temporary() = %v", status, got)
		}
	}
}
