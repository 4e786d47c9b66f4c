// Command ptxgen regenerates the PTX of gonote/cuda/kernels from its CUDA C
// sources; `go generate ./cuda/kernels` runs it in that directory.
package main

import (
	"fmt"
	"os"

	"gonote/cuda/internal/ptxgen"
)

func main() {
	nvcc, err := ptxgen.NVCC(".")
	if err == nil {
		err = ptxgen.Generate(nvcc, ".", ".")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
