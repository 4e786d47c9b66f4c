//go:build cuda

package cuda

// These tests need a GPU: package conformance compares every primitive of
// the CUDA backend with the CPU backend on random inputs (tolerances are in
// its doc).

import (
	"fmt"
	"os"
	"testing"

	"gonote/cuda/internal/conformance"
)

func TestMain(m *testing.M) {
	if numDevices() == 0 {
		fmt.Println("cuda: no CUDA device, skipping the GPU tests")
		os.Exit(0)
	}
	fmt.Printf("cuda: testing on %s\n", DeviceName())
	os.Exit(m.Run())
}

func TestConformance(t *testing.T) {
	conformance.Run(t, Backend{}, conformance.Options{Large: true})
}

// TestMatmulKernelWithoutCublas runs the float products through gonote's
// own kernel, as without cuBLAS.
func TestMatmulKernelWithoutCublas(t *testing.T) {
	d := dev(0)
	var saved *cublasHandle
	var savedNo bool
	d.do(func() { saved, savedNo = d.blas, d.noBlas; d.blas, d.noBlas = nil, true })
	defer d.do(func() { d.blas, d.noBlas = saved, savedNo })
	conformance.Matmul(t, Backend{}, conformance.Options{Large: true})
}
