//go:build openblas

package cpu

import "testing"

func TestOpenBLASInstalled(t *testing.T) {
	if got := BLAS(); got != "openblas" {
		t.Fatalf("BLAS() = %q with the openblas tag", got)
	}
}
