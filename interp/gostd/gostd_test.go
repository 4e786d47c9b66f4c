package gostd

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/traefik/yaegi/extract"
)

// TestCurrent checks that the generated tables are what yaegi's extract
// makes of the packages of the toolchain running the test: run go generate
// when it fails. It type-checks every package from source (about 15 s on
// two idle cores); -short checks the first three.
func TestCurrent(t *testing.T) {
	src, err := os.ReadFile("gostd.go")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^//go:generate go run \S+ extract -name gostd (.*)$`).FindSubmatch(src)
	if m == nil {
		t.Fatal("no go:generate line in gostd.go")
	}
	pkgs := strings.Fields(string(m[1]))
	if testing.Short() {
		pkgs = pkgs[:3]
	}
	r := strings.NewReplacer("/", "-", ".", "_", "~", "_")
	for _, p := range pkgs {
		t.Run(p, func(t *testing.T) {
			ext := extract.Extractor{Dest: "gostd"}
			var buf bytes.Buffer
			path, err := ext.Extract(p, "gostd", &buf)
			if err != nil {
				t.Fatalf("extract %s: %v", p, err)
			}
			file := r.Replace(path) + ".go"
			got, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%s: %v (run go generate)", file, err)
			}
			if !bytes.Equal(got, buf.Bytes()) {
				t.Errorf("%s is not current: run go generate in interp/gostd", file)
			}
		})
	}
}

// TestNewSymbols checks symbols that yaegi's own Go 1.22 tables lack.
func TestNewSymbols(t *testing.T) {
	for _, s := range []string{"strings/strings.Lines", "bytes/bytes.Lines", "math/rand/v2/rand.IntN", "go/version/version.Compare"} {
		i := strings.LastIndex(s, ".")
		if _, ok := Symbols[s[:i]][s[i+1:]]; !ok {
			t.Errorf("%s missing", s)
		}
	}
	if _, ok := Symbols["os/os"]["Exit"]; !ok {
		t.Fatal("os.Exit missing")
	}
}
