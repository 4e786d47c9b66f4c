package kernels

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"gonote/cuda/internal/ptxgen"
)

// TestPTXCurrent regenerates the PTX into a temporary directory and checks
// that the committed files match, so that an edited .cu cannot ship with
// stale PTX. It needs nvcc (`make build-cuda` fetches one).
func TestPTXCurrent(t *testing.T) {
	nvcc, err := ptxgen.NVCC(".")
	if errors.Is(err, ptxgen.ErrNoNVCC) {
		t.Skip("nvcc not found, so the PTX cannot be regenerated: run `make build-cuda` or set NVCC to check it")
	}
	if testing.Short() {
		t.Skip("regenerating the PTX takes a while; skipped with -short")
	}
	dir := t.TempDir()
	if err := ptxgen.Generate(nvcc, ".", dir); err != nil {
		t.Fatal(err)
	}
	srcs, _ := ptxgen.Sources(".")
	for _, src := range srcs {
		name := filepath.Base(src[:len(src)-3]) + ".ptx"
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("%s is missing: run go generate ./cuda/kernels", name)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run go generate ./cuda/kernels", name)
		}
	}
}

func TestHeaders(t *testing.T) {
	for name, ptx := range Modules() {
		if want := ptxgen.Header(name + ".cu"); len(ptx) < len(want) || ptx[:len(want)] != want {
			t.Errorf("%s.ptx does not start with %q", name, want)
		}
	}
}
