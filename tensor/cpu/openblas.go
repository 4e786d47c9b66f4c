//go:build openblas

package cpu

// With the openblas build tag, float matrix products go through OpenBLAS's
// cblas_sgemm and cblas_dgemm, which init installs behind gonum's blas32 and
// blas64 (Matmul and gonum's mat call them); the other BLAS routines stay
// gonum's. The library is opened with dlopen at the first product, not
// linked: OpenBLAS starts its threads when it is loaded, which would add
// about 15 ms to every kernel's start-up. Without the library, products
// fall back to gonum with a one-line notice. OpenBLAS uses all cores unless
// OPENBLAS_NUM_THREADS says otherwise. The default build, without the tag,
// needs neither cgo nor a C library and uses gonum's pure-Go BLAS. `make`
// sets the tag when libopenblas-dev is installed.

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef void (*dgemm_fn)(int, int, int, int, int, int, double, const double *, int, const double *, int, double, double *, int);
static sgemm_fn sgemm;
static dgemm_fn dgemm;

static int load_openblas(void) {
	static const char *names[] = {"libopenblas.so.0", "libopenblas.so"};
	for (int i = 0; i < 2; i++) {
		void *h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
		if (!h) continue;
		sgemm = (sgemm_fn)dlsym(h, "cblas_sgemm");
		dgemm = (dgemm_fn)dlsym(h, "cblas_dgemm");
		if (sgemm && dgemm) return 1;
		dlclose(h);
	}
	return 0;
}

// CBLAS's enums: row-major order, no transpose, transpose.
enum { rowMajor = 101, noTrans = 111, trans = 112 };

static void call_sgemm(int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
		const float *b, int ldb, float beta, float *c, int ldc) {
	sgemm(rowMajor, ta ? trans : noTrans, tb ? trans : noTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static void call_dgemm(int ta, int tb, int m, int n, int k, double alpha, const double *a, int lda,
		const double *b, int ldb, double beta, double *c, int ldc) {
	dgemm(rowMajor, ta ? trans : noTrans, tb ? trans : noTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
*/
import "C"

import (
	"fmt"
	"os"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

func init() {
	blas32.Use(openBLAS{})
	blas64.Use(openBLAS{})
	blasName = "openblas"
}

// openBLAS is gonum's BLAS with the matrix products of OpenBLAS.
type openBLAS struct{ gonum.Implementation }

var loadOnce sync.Once

// loaded opens OpenBLAS the first time it is needed and says whether it is there.
func loaded() bool {
	loadOnce.Do(func() {
		if C.load_openblas() == 0 {
			blasName = "gonum"
			fmt.Fprintln(os.Stderr, "gonote: libopenblas.so.0 not found; matrix products use gonum's pure-Go BLAS")
		}
	})
	return blasName == "openblas"
}

func cTrans(t blas.Transpose) C.int {
	if t == blas.NoTrans {
		return 0
	}
	return 1
}

// Sgemm computes c = alpha * op(a) * op(b) + beta * c in row-major order.
func (o openBLAS) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 || k == 0 || !loaded() {
		o.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	C.call_sgemm(cTrans(tA), cTrans(tB), C.int(m), C.int(n), C.int(k), C.float(alpha), (*C.float)(&a[0]), C.int(lda),
		(*C.float)(&b[0]), C.int(ldb), C.float(beta), (*C.float)(&c[0]), C.int(ldc))
}

// Dgemm computes c = alpha * op(a) * op(b) + beta * c in row-major order.
func (o openBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 || k == 0 || !loaded() {
		o.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	C.call_dgemm(cTrans(tA), cTrans(tB), C.int(m), C.int(n), C.int(k), C.double(alpha), (*C.double)(&a[0]), C.int(lda),
		(*C.double)(&b[0]), C.int(ldb), C.double(beta), (*C.double)(&c[0]), C.int(ldc))
}
