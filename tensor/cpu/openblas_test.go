//go:build openblas

package cpu

import (
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

func TestOpenBLASInstalled(t *testing.T) {
	var o openBLAS
	if !loaded() || BLAS() != "openblas" {
		t.Fatalf("BLAS() = %q with the openblas tag", BLAS())
	}
	// OpenBLAS agrees with gonum on a transposed product with padded strides.
	a := []float64{1, 2, 3, 0, 4, 5, 6, 0}          // 2×3, lda 4
	b := []float64{1, 0, 2, 1, 0, 1, 3, 2, 1, 1, 0} // op(b) 3×2 from b^T 2×3, ldb 4 (last row short)
	want := make([]float64, 4)
	got := make([]float64, 4)
	gonum.Implementation{}.Dgemm(blas.NoTrans, blas.Trans, 2, 2, 3, 1, a, 4, b, 4, 0, want, 2)
	o.Dgemm(blas.NoTrans, blas.Trans, 2, 2, 3, 1, a, 4, b, 4, 0, got, 2)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Dgemm = %v, want %v", got, want)
		}
	}
	a32, b32, c32 := []float32{1, 2, 3, 4}, []float32{5, 6, 7, 8}, make([]float32, 4)
	o.Sgemm(blas.NoTrans, blas.NoTrans, 2, 2, 2, 1, a32, 2, b32, 2, 0, c32, 2)
	if c32[0] != 19 || c32[1] != 22 || c32[2] != 43 || c32[3] != 50 {
		t.Fatalf("Sgemm = %v", c32)
	}
}
