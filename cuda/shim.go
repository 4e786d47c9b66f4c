//go:build cuda

package cuda

// This file is the small cgo layer for what gorgonia.org/cu lacks:
// launching a kernel with one struct parameter (cu's Launch copies 8 bytes
// per parameter), pinned host memory (cuMemHostAlloc) and cuBLAS, which is
// resolved with dlopen/dlsym at run time and never linked.

/*
#cgo LDFLAGS: -lcuda -ldl
#include <stdlib.h>
#include <dlfcn.h>
#include <cuda.h>

static CUresult gonote_launch(CUfunction f, unsigned gx, unsigned gy, unsigned gz,
		unsigned bx, unsigned shm, CUstream s, void* params) {
	void* args[1] = { params };
	return cuLaunchKernel(f, gx, gy, gz, bx, 1, 1, shm, s, args, NULL);
}

static CUresult gonote_host_alloc(void** p, size_t n) {
	return cuMemHostAlloc(p, n, CU_MEMHOSTALLOC_PORTABLE);
}

static CUresult gonote_host_free(void* p) { return cuMemFreeHost(p); }

// cuBLAS, through function pointers found by dlsym. Handles are void*,
// operations ints (0 = N, 1 = T), statuses ints (0 = success).
typedef int (*cublas_create_t)(void**);
typedef int (*cublas_set_stream_t)(void*, CUstream);
typedef int (*cublas_destroy_t)(void*);
typedef int (*cublas_sgemm_sb_t)(void*, int, int, int, int, int, const float*, const float*, int,
		long long, const float*, int, long long, const float*, float*, int, long long, int);
typedef int (*cublas_dgemm_sb_t)(void*, int, int, int, int, int, const double*, const double*, int,
		long long, const double*, int, long long, const double*, double*, int, long long, int);

typedef struct {
	void* lib;
	cublas_create_t create;
	cublas_set_stream_t set_stream;
	cublas_destroy_t destroy;
	cublas_sgemm_sb_t sgemm;
	cublas_dgemm_sb_t dgemm;
} gonote_cublas;

// gonote_cublas_open fills c from the library at path; it returns 0, or 1
// when the library does not load, 2 when a symbol is missing.
static int gonote_cublas_open(const char* path, gonote_cublas* c) {
	c->lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!c->lib) return 1;
	c->create = (cublas_create_t)dlsym(c->lib, "cublasCreate_v2");
	c->set_stream = (cublas_set_stream_t)dlsym(c->lib, "cublasSetStream_v2");
	c->destroy = (cublas_destroy_t)dlsym(c->lib, "cublasDestroy_v2");
	c->sgemm = (cublas_sgemm_sb_t)dlsym(c->lib, "cublasSgemmStridedBatched");
	c->dgemm = (cublas_dgemm_sb_t)dlsym(c->lib, "cublasDgemmStridedBatched");
	if (!c->create || !c->set_stream || !c->destroy || !c->sgemm || !c->dgemm) {
		dlclose(c->lib);
		c->lib = NULL;
		return 2;
	}
	return 0;
}

// gonote_preload makes a library's symbols available to libraries loaded
// later (cuBLAS needs cuBLASLt from its own directory); it returns 0 when
// the library loads.
static int gonote_preload(const char* path) { return dlopen(path, RTLD_NOW | RTLD_GLOBAL) ? 0 : 1; }

static int gonote_cublas_create(gonote_cublas* c, void** h, CUstream s) {
	int st = c->create(h);
	if (st) return st;
	return c->set_stream(*h, s);
}

static int gonote_cublas_destroy(gonote_cublas* c, void* h) { return c->destroy(h); }

static int gonote_sgemm(gonote_cublas* c, void* h, int ta, int tb, int m, int n, int k,
		unsigned long long a, int lda, long long sa, unsigned long long b, int ldb, long long sb,
		unsigned long long cc, int ldc, long long sc, int batch) {
	const float one = 1, zero = 0;
	return c->sgemm(h, ta, tb, m, n, k, &one, (const float*)a, lda, sa, (const float*)b, ldb, sb,
		&zero, (float*)cc, ldc, sc, batch);
}

static int gonote_dgemm(gonote_cublas* c, void* h, int ta, int tb, int m, int n, int k,
		unsigned long long a, int lda, long long sa, unsigned long long b, int ldb, long long sb,
		unsigned long long cc, int ldc, long long sc, int batch) {
	const double one = 1, zero = 0;
	return c->dgemm(h, ta, tb, m, n, k, &one, (const double*)a, lda, sa, (const double*)b, ldb, sb,
		&zero, (double*)cc, ldc, sc, batch);
}
*/
import "C"

import (
	"fmt"
	"path/filepath"
	"strings"
	"unsafe"

	"gorgonia.org/cu"
)

// cu keeps its handles in single-field structs with unexported fields; these
// assertions make the conversions below fail to compile if that changes.
var (
	_ [unsafe.Sizeof(cu.Function{}) - unsafe.Sizeof(C.CUfunction(nil))]struct{}
	_ [unsafe.Sizeof(C.CUfunction(nil)) - unsafe.Sizeof(cu.Function{})]struct{}
	_ [unsafe.Sizeof(cu.Stream{}) - unsafe.Sizeof(C.CUstream(nil))]struct{}
	_ [unsafe.Sizeof(C.CUstream(nil)) - unsafe.Sizeof(cu.Stream{})]struct{}
)

func rawFunction(f cu.Function) C.CUfunction { return *(*C.CUfunction)(unsafe.Pointer(&f)) }
func rawStream(s cu.Stream) C.CUstream       { return *(*C.CUstream)(unsafe.Pointer(&s)) }

// launch starts fn with a grid of (gx, gy, gz) blocks of bx threads and
// params, a pointer to a geom struct (plain 8-byte fields, no Go pointers),
// as its single parameter. It must run on the device's worker.
func launch(fn cu.Function, gx, gy, gz, bx int, s cu.Stream, params unsafe.Pointer) error {
	if r := C.gonote_launch(rawFunction(fn), C.uint(gx), C.uint(gy), C.uint(gz), C.uint(bx), 0, rawStream(s), params); r != C.CUDA_SUCCESS {
		return fmt.Errorf("cuLaunchKernel: %v", cuError(int(r)))
	}
	return nil
}

// cuError names a CUresult the way cu does.
func cuError(r int) error {
	var name *C.char
	C.cuGetErrorName(C.CUresult(r), &name)
	var desc *C.char
	C.cuGetErrorString(C.CUresult(r), &desc)
	if name == nil {
		return fmt.Errorf("CUDA error %d", r)
	}
	return fmt.Errorf("%s: %s", C.GoString(name), C.GoString(desc))
}

// hostAlloc returns n bytes of page-locked host memory.
func hostAlloc(n int) (unsafe.Pointer, error) {
	var p unsafe.Pointer
	if r := C.gonote_host_alloc(&p, C.size_t(n)); r != C.CUDA_SUCCESS {
		return nil, fmt.Errorf("cuMemHostAlloc: %v", cuError(int(r)))
	}
	return p, nil
}

func hostFree(p unsafe.Pointer) error {
	if r := C.gonote_host_free(p); r != C.CUDA_SUCCESS {
		return fmt.Errorf("cuMemFreeHost: %v", cuError(int(r)))
	}
	return nil
}

// cublas is a loaded cuBLAS library.
type cublas struct {
	c    *C.gonote_cublas // C memory: the struct holds function pointers
	path string
}

// openCublas loads cuBLAS from the first of paths that has every symbol.
func openCublas(paths []string) (*cublas, bool) {
	c := (*C.gonote_cublas)(C.calloc(1, C.size_t(unsafe.Sizeof(C.gonote_cublas{}))))
	for _, p := range paths {
		if strings.Contains(p, "/") {
			// A wheel's cuBLAS finds cuBLASLt only through its RUNPATH, if
			// it has one; load the sibling first to be sure.
			lt, _ := filepath.Glob(filepath.Join(filepath.Dir(p), "libcublasLt.so.*"))
			for _, l := range lt {
				cl := C.CString(l)
				C.gonote_preload(cl)
				C.free(unsafe.Pointer(cl))
			}
		}
		cp := C.CString(p)
		r := C.gonote_cublas_open(cp, c)
		C.free(unsafe.Pointer(cp))
		if r == 0 {
			return &cublas{c: c, path: p}, true
		}
	}
	C.free(unsafe.Pointer(c))
	return nil, false
}

// cublasHandle is a cuBLAS handle bound to one stream.
type cublasHandle struct {
	lib *cublas
	h   unsafe.Pointer
}

func (l *cublas) newHandle(s cu.Stream) (*cublasHandle, error) {
	var h unsafe.Pointer
	if st := C.gonote_cublas_create(l.c, &h, rawStream(s)); st != 0 {
		return nil, fmt.Errorf("cublasCreate: status %d", int(st))
	}
	return &cublasHandle{lib: l, h: h}, nil
}

// gemm runs a column-major strided batched GEMM (C = op(A) op(B), alpha 1,
// beta 0) of float32 (double false) or float64; a, b and c are device
// addresses.
func (h *cublasHandle) gemm(double bool, ta, tb bool, m, n, k int, a uint64, lda int, sa int64,
	b uint64, ldb int, sb int64, c uint64, ldc int, sc int64, batch int) error {
	op := func(t bool) C.int {
		if t {
			return 1
		}
		return 0
	}
	var st C.int
	if double {
		st = C.gonote_dgemm(h.lib.c, h.h, op(ta), op(tb), C.int(m), C.int(n), C.int(k),
			C.ulonglong(a), C.int(lda), C.longlong(sa), C.ulonglong(b), C.int(ldb), C.longlong(sb),
			C.ulonglong(c), C.int(ldc), C.longlong(sc), C.int(batch))
	} else {
		st = C.gonote_sgemm(h.lib.c, h.h, op(ta), op(tb), C.int(m), C.int(n), C.int(k),
			C.ulonglong(a), C.int(lda), C.longlong(sa), C.ulonglong(b), C.int(ldb), C.longlong(sb),
			C.ulonglong(c), C.int(ldc), C.longlong(sc), C.int(batch))
	}
	if st != 0 {
		return fmt.Errorf("cublas%sgemmStridedBatched: status %d", map[bool]string{false: "S", true: "D"}[double], int(st))
	}
	return nil
}
