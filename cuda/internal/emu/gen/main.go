// Command gen writes the emulator's kernels_*.cc files: one per module of
// gonote/cuda/kernels, compiling its .cu source as C++ and registering each
// kernel entry found in its PTX. `go generate ./cuda/internal/emu` runs it.
package main

import (
	"fmt"
	"os"

	"gonote/cuda/internal/emu/emugen"
)

func main() {
	for name, src := range emugen.Files() {
		if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
