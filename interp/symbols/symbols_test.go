package symbols

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedFilesAreCurrent regenerates the tables in a temporary directory and
// compares them with the committed ones.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	// Inside the module, so the go command resolves gonote/... and yaegi's version.
	dir, err := os.MkdirTemp(".", "regenerate-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	for _, args := range generateCommands(t) {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	generated, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	if len(generated) == 0 {
		t.Fatal("yaegi extract wrote nothing")
	}
	for _, g := range generated {
		want, _ := os.ReadFile(g)
		got, err := os.ReadFile(filepath.Base(g))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is not current: run go generate ./interp/symbols", filepath.Base(g))
		}
	}
}

// generateCommands returns the //go:generate commands of symbols.go, so the test
// runs exactly what go generate runs.
func generateCommands(t *testing.T) [][]string {
	src, err := os.ReadFile("symbols.go")
	if err != nil {
		t.Fatal(err)
	}
	var cmds [][]string
	for _, line := range strings.Split(string(src), "\n") {
		if rest, ok := strings.CutPrefix(line, "//go:generate "); ok {
			cmds = append(cmds, strings.Fields(rest))
		}
	}
	if len(cmds) == 0 {
		t.Fatal("no //go:generate line in symbols.go")
	}
	return cmds
}
