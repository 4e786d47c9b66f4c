// Package kernels holds the CUDA C sources of gonote's CUDA backend
// (*.cu, with the shared parameter structs in common.cuh) and the PTX that
// nvcc makes of them, embedded in the binary. It has no build tag and does
// not import the CUDA driver, so its tests run everywhere.
//
// `go generate` regenerates the PTX (nvcc from Debian's CUDA 11.8 with
// -arch=compute_60, so that the driver JIT-compiles it for the GPU at hand;
// `make build-cuda` puts one in build/cuda-sdk). The PTX is committed, so
// building the backend needs no nvcc.
package kernels

import (
	"embed"
	"regexp"
	"sort"
	"strings"
)

//go:generate go run ./ptxgen

//go:embed *.ptx
var ptxFiles embed.FS

//go:embed *.cu *.cuh
var sourceFiles embed.FS

// Sources returns the CUDA C sources by file name ("elementwise.cu", ...,
// "common.cuh").
func Sources() map[string]string {
	m := map[string]string{}
	ents, _ := sourceFiles.ReadDir(".")
	for _, e := range ents {
		b, _ := sourceFiles.ReadFile(e.Name())
		m[e.Name()] = string(b)
	}
	return m
}

// Modules returns the PTX modules by name ("elementwise", "reduce", ...),
// each a NUL-free text that cuModuleLoadData accepts.
func Modules() map[string]string {
	m := map[string]string{}
	ents, _ := ptxFiles.ReadDir(".")
	for _, e := range ents {
		b, _ := ptxFiles.ReadFile(e.Name())
		m[strings.TrimSuffix(e.Name(), ".ptx")] = string(b)
	}
	return m
}

var entryRE = regexp.MustCompile(`(?m)^\.visible \.entry (\w+)\(\s*\.param \.align \d+ \.b8 \w+\[(\d+)\]`)

// Entries returns, for each module, its kernel names mapped to the size in
// bytes of their single struct parameter, read from the PTX.
func Entries() map[string]map[string]int {
	out := map[string]map[string]int{}
	for name, ptx := range Modules() {
		e := map[string]int{}
		for _, m := range entryRE.FindAllStringSubmatch(ptx, -1) {
			n := 0
			for _, c := range m[2] {
				n = n*10 + int(c-'0')
			}
			e[m[1]] = n
		}
		out[name] = e
	}
	return out
}

// Module returns the module that defines the kernel entry, or "".
func Module(entry string) string {
	var names []string
	for mod, es := range Entries() {
		if _, ok := es[entry]; ok {
			names = append(names, mod)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	return names[0]
}
