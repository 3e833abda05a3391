package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/misskey-gen/misskey-gen/internal/gentest"
)

// Two small documents: new removes endpoint b (breaking) and adds c.
const (
	cliOldDoc = `{"openapi": "3.1.0", "info": {"title": "Misskey API", "version": "1.0"}, "paths": {
  "/a": {"post": {"operationId": "a", "description": "**Credential required**: *No*",
    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"x": {"type": "string"}}}}}},
    "responses": {"200": {"content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}}}}}}},
  "/b": {"post": {"operationId": "b", "description": "**Credential required**: *No*", "responses": {"204": {"description": "OK"}}}}
}}`
	cliNewDoc = `{"openapi": "3.1.0", "info": {"title": "Misskey API", "version": "2.0"}, "paths": {
  "/a": {"post": {"operationId": "a", "description": "**Credential required**: *No*",
    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"x": {"type": "string"}, "y": {"type": "integer"}}}}}},
    "responses": {"200": {"content": {"application/json": {"schema": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}}}}}}},
  "/c": {"post": {"operationId": "c", "description": "**Credential required**: *Yes*", "responses": {"204": {"description": "OK"}}}}
}}`
)

func writeDocs(t *testing.T) (oldPath, newPath string) {
	t.Helper()
	dir := t.TempDir()
	oldPath, newPath = filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json")
	if err := os.WriteFile(oldPath, []byte(cliOldDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(newPath, []byte(cliNewDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	return oldPath, newPath
}

func runMain(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestDiffCommandFormats(t *testing.T) {
	oldPath, newPath := writeDocs(t)

	code, out, errOut := runMain(t, "", "diff", oldPath, newPath)
	if code != 0 || errOut != "" {
		t.Fatalf("text: exit %d, stderr %q", code, errOut)
	}
	wantText := "API diff: 1.0 (" + oldPath + ") → 2.0 (" + newPath + ")\n" +
		"1 breaking, 2 other changes; 1 endpoints added, 1 removed.\n" +
		"\nBREAKING CHANGES (1):\n  b: endpoint removed\n" +
		"\nENDPOINTS ADDED (1):\n  c\n" +
		"\nOTHER CHANGES (1):\n  a request field y: added (optional, integer)\n"
	if out != wantText {
		t.Errorf("text output:\n%s\nwant:\n%s", out, wantText)
	}

	// Flags may follow the documents; "md" is markdown.
	for _, format := range []string{"markdown", "md"} {
		code, out, errOut = runMain(t, "", "diff", oldPath, newPath, "-format", format)
		if code != 0 || errOut != "" {
			t.Fatalf("%s: exit %d, stderr %q", format, code, errOut)
		}
		for _, w := range []string{
			"## Misskey API changes: `1.0` → `2.0`\n",
			"### Breaking changes\n\n| Endpoint / type | Where | Field | Change |\n|---|---|---|---|\n| `b` |  |  | endpoint removed |\n",
			"### Endpoints added\n\n- `c`\n",
			"### Endpoints removed\n\n- `b`\n",
			"| `a` | request | `y` | added (optional, integer) |\n",
		} {
			if !strings.Contains(out, w) {
				t.Errorf("%s output lacks %q:\n%s", format, w, out)
			}
		}
	}

	code, out, errOut = runMain(t, "", "diff", "-format=json", oldPath, newPath)
	if code != 0 || errOut != "" {
		t.Fatalf("json: exit %d, stderr %q", code, errOut)
	}
	var got struct {
		Old     struct{ Source, Version string }
		Summary struct {
			Breaking, NonBreaking            int
			EndpointsAdded, EndpointsRemoved []string
		}
		Changes []struct {
			Breaking                         bool
			Kind, Endpoint, Where, Path, New string
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	if got.Old.Source != oldPath || got.Old.Version != "1.0" || got.Summary.Breaking != 1 || got.Summary.NonBreaking != 2 ||
		len(got.Changes) != 3 || got.Changes[0].Kind != "endpoint-removed" || got.Changes[0].Endpoint != "b" || !got.Changes[0].Breaking ||
		got.Changes[2].Path != "y" || got.Changes[2].Where != "request" || got.Changes[2].New != "integer" {
		t.Errorf("json output decoded to %+v\n%s", got, out)
	}

	// Standard input for one side.
	code, out, _ = runMain(t, cliOldDoc, "diff", "-", newPath)
	if code != 0 || !strings.Contains(out, "→ 2.0 ("+newPath+")") || !strings.Contains(out, "b: endpoint removed") {
		t.Errorf("stdin: exit %d\n%s", code, out)
	}
}

func TestDiffCommandFailOnBreaking(t *testing.T) {
	oldPath, newPath := writeDocs(t)
	tests := []struct {
		name     string
		args     []string
		wantCode int
	}{
		{"breaking, no flag", []string{"diff", oldPath, newPath}, 0},
		{"breaking", []string{"diff", "-fail-on-breaking", oldPath, newPath}, 1},
		{"breaking, flag last", []string{"diff", oldPath, newPath, "-fail-on-breaking"}, 1},
		{"breaking, json", []string{"diff", "-fail-on-breaking", "-format", "json", oldPath, newPath}, 1},
		// Backwards: c removed is breaking too.
		{"reverse", []string{"diff", "-fail-on-breaking", newPath, oldPath}, 1},
		{"no changes", []string{"diff", "-fail-on-breaking", oldPath, oldPath}, 0},
		{"usage: one document", []string{"diff", "-fail-on-breaking", oldPath}, 2},
		{"usage: three documents", []string{"diff", oldPath, newPath, newPath}, 2},
		{"usage: bad format", []string{"diff", "-format", "html", oldPath, newPath}, 2},
		{"usage: unknown flag", []string{"diff", "-strict", oldPath, newPath}, 2},
		{"usage: both from stdin", []string{"diff", "-", "-"}, 2},
		{"unreadable document", []string{"diff", "-fail-on-breaking", filepath.Join(t.TempDir(), "missing.json"), newPath}, 1},
	}
	for _, tt := range tests {
		code, out, errOut := runMain(t, "", tt.args...)
		if code != tt.wantCode {
			t.Errorf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", tt.name, code, tt.wantCode, out, errOut)
		}
		if code == 2 && errOut == "" {
			t.Errorf("%s: usage error without a message", tt.name)
		}
	}
	// With only non-breaking changes the flag leaves the status 0.
	dir := t.TempDir()
	onlyAdded := filepath.Join(dir, "added.json")
	if err := os.WriteFile(onlyAdded, []byte(strings.Replace(cliOldDoc, `"/b":`, `"/c": {"post": {"operationId": "c", "responses": {"204": {"description": "OK"}}}}, "/b":`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runMain(t, "", "diff", "-fail-on-breaking", oldPath, onlyAdded)
	if code != 0 || !strings.Contains(out, "0 breaking, 1 other changes") {
		t.Errorf("non-breaking only: exit %d\n%s%s", code, out, errOut)
	}
}

func TestDiffSource(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("localdoc", []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for arg, want := range map[string]string{
		"misskey.io":                     "https://misskey.io/api.json",
		"misskey.io:3000":                "https://misskey.io:3000/api.json",
		"https://misskey.io/api-doc":     "https://misskey.io/api-doc", // a URL is fetched as given
		"api.json":                       "api.json",                   // a file, even if absent
		"specs/old":                      "specs/old",
		"localdoc":                       "localdoc", // an existing file wins over a server
		"-":                              "-",
		"http://localhost:3000/api.json": "http://localhost:3000/api.json",
	} {
		got, err := diffSource(arg)
		if err != nil || got != want {
			t.Errorf("diffSource(%q) = %q, %v; want %q", arg, got, err, want)
		}
	}
}

// The real pair through the command line, as a CI job would run it.
func TestDiffCommandRealDocuments(t *testing.T) {
	specs := gentest.SharedDir(t, "specs")
	oldPath := filepath.Join(specs, "misskey-2024.10.0-beta.6.json")
	newPath := filepath.Join(specs, "live-misskey-2026.3.2.json")
	code, out, errOut := runMain(t, "", "diff", "-fail-on-breaking", "-format", "json", oldPath, newPath)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (breaking changes)\n%s", code, errOut)
	}
	var got struct {
		Summary struct{ EndpointsRemoved []string }
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if want := []string{"admin/queue/promote", "i/read-all-unread-notes"}; strings.Join(got.Summary.EndpointsRemoved, ",") != strings.Join(want, ",") {
		t.Errorf("endpoints removed = %q, want %q", got.Summary.EndpointsRemoved, want)
	}
	code, out, _ = runMain(t, "", "diff", "-format", "markdown", oldPath, newPath)
	if code != 0 || !strings.Contains(out, "| `admin/queue/clear` | request | `queue` | added (required, enum) |") {
		t.Errorf("markdown: exit %d; admin/queue/clear queue not in the breaking table", code)
	}
}
