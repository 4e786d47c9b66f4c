// Package dl decides where gonote's CUDA backend looks for cuBLAS, which
// it loads with dlopen at run time instead of linking it: Debian's CUDA
// 11.8 packages would make the binary need libcublas.so.11, while a GPU
// machine may only have libcublas.so.13 (pip's nvidia-cublas wheels, not
// on the loader's path). The cgo dlopen call itself lives in package cuda.
package dl

import (
	"path/filepath"
	"sort"
)

// EnvVar names the environment variable holding an explicit cuBLAS path.
const EnvVar = "GONOTE_CUBLAS"

// Sonames are the cuBLAS libraries tried through the loader's search path,
// newest first.
var Sonames = []string{"libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"}

// WheelGlobs are where pip installs cuBLAS (nvidia-cublas-cu12/-cu13 and
// the torch wheels that depend on them).
var WheelGlobs = []string{
	"/usr/local/lib/python3*/dist-packages/nvidia/cu*/lib/libcublas.so.*[0-9]",
	"/usr/local/lib/python3*/dist-packages/nvidia/cublas/lib/libcublas.so.*[0-9]",
	"/usr/lib/python3*/dist-packages/nvidia/cublas/lib/libcublas.so.*[0-9]",
	"/usr/local/lib/python3*/site-packages/nvidia/cublas/lib/libcublas.so.*[0-9]",
	"/opt/conda/lib/python3*/site-packages/nvidia/cublas/lib/libcublas.so.*[0-9]",
	"/root/.local/lib/python3*/site-packages/nvidia/cublas/lib/libcublas.so.*[0-9]",
}

// Candidates returns the names to pass to dlopen, in order: the value of
// GONOTE_CUBLAS (getenv(EnvVar)) when set, the Sonames, then the files
// that glob finds for WheelGlobs (newest version first). glob is
// filepath.Glob in production.
func Candidates(getenv func(string) string, glob func(string) ([]string, error)) []string {
	var out []string
	if p := getenv(EnvVar); p != "" {
		out = append(out, p)
	}
	out = append(out, Sonames...)
	var found []string
	for _, g := range WheelGlobs {
		m, _ := glob(g)
		found = append(found, m...)
	}
	sort.Slice(found, func(i, j int) bool { return filepath.Base(found[i]) > filepath.Base(found[j]) })
	seen := map[string]bool{}
	for _, f := range found {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}
