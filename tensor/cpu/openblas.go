//go:build openblas

package cpu

// With the openblas build tag, float matrix products go through OpenBLAS
// by way of gonum's netlib binding (cgo): init installs it as the
// implementation behind gonum's blas32 and blas64, which Matmul calls.
// OpenBLAS uses its own threads (all cores unless OPENBLAS_NUM_THREADS
// says otherwise). The default build, without the tag, needs neither cgo
// nor a C library and uses gonum's pure-Go BLAS. `make` sets the tag when
// libopenblas-dev is installed.

/*
#cgo LDFLAGS: -lopenblas
*/
import "C"

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

func init() {
	blas32.Use(netlib.Implementation{})
	blas64.Use(netlib.Implementation{})
	blasName = "openblas"
}
