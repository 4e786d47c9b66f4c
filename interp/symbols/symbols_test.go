package symbols

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
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
	cmd := exec.Command("go", "run", "github.com/traefik/yaegi/cmd/yaegi", "extract", "-name", "symbols", "gonote/display")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("yaegi extract: %v\n%s", err, out)
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
