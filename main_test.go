package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandLine: every misuse gets a usage line and a non-zero status, never a
// stack trace; the commands that work say so on stdout.
func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	badJSON := filepath.Join(dir, "bad.json")
	os.WriteFile(badJSON, []byte("{not json"), 0o644)
	badScheme := filepath.Join(dir, "scheme.json")
	os.WriteFile(badScheme, []byte(`{"key": "k", "signature_scheme": "hmac-md5"}`), 0o644)
	t.Setenv("JUPYTER_DATA_DIR", filepath.Join(dir, "jupyter"))

	cases := []struct {
		args   []string
		code   int
		stdout string // substring expected on stdout
		stderr string // substring expected on stderr
	}{
		{nil, 2, "", "usage: gonote"},
		{[]string{"--bogus"}, 2, "", `unknown command "--bogus"`},
		{[]string{"frobnicate"}, 2, "", "usage: gonote"},
		{[]string{"help"}, 0, "usage: gonote", ""},
		{[]string{"version"}, 0, "gonote " + version, ""},
		{[]string{"kernel"}, 2, "", "usage: gonote kernel CONNECTION_FILE"},
		{[]string{"kernel", "a", "b"}, 2, "", "usage: gonote kernel CONNECTION_FILE"},
		{[]string{"kernel", "--bogus", "f"}, 2, "", "flag provided but not defined"},
		{[]string{"kernel", filepath.Join(dir, "missing.json")}, 1, "", "no such file"},
		{[]string{"kernel", badJSON}, 1, "", "usage: gonote kernel"},
		{[]string{"kernel", badScheme}, 1, "", `signature scheme "hmac-md5" is not supported`},
		{[]string{"install", "--bogus"}, 1, "", "flag provided but not defined"},
		{[]string{"install", "--user"}, 0, "Installed kernelspec gonote", ""},
		{[]string{"uninstall", "--user"}, 0, "Removed kernelspec gonote", ""},
		{[]string{"uninstall", "--user"}, 1, "", "not installed"},
		{[]string{"install", "-h"}, 0, "", "--display-name"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stdout.String(), c.stdout) || !strings.Contains(stderr.String(), c.stderr) {
			t.Errorf("gonote %s: status %d, stdout %q, stderr %q; want status %d, stdout with %q, stderr with %q",
				strings.Join(c.args, " "), code, stdout.String(), stderr.String(), c.code, c.stdout, c.stderr)
		}
		if strings.Contains(stderr.String(), "goroutine ") {
			t.Errorf("gonote %s printed a stack trace", strings.Join(c.args, " "))
		}
	}
}
