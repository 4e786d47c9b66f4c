//go:build cuda

// Package cuda is gonote's CUDA backend: it implements tensor/backend's
// Backend on NVIDIA GPUs through the CUDA driver API (gorgonia.org/cu) and
// registers itself as device type "cuda" in its init function. It is
// compiled only with the cuda build tag; main.go imports it from
// main_cuda.go, and nothing else in gonote does, because cu's package init
// exits the process when no GPU is usable.
//
// # Threads and streams
//
// Each device has one context (its primary context) made current on a
// worker goroutine locked to its OS thread; every CUDA call of the device
// runs there, on one stream, so operations run in the order tensor issues
// them and kernels return without waiting for the GPU. Downloads wait for
// the stream; [Synchronize] waits for everything.
//
// # Kernels
//
// The kernels are CUDA C in package kernels, compiled to PTX for
// compute_60 and JIT-compiled by the driver when a module is first used
// (the driver caches the result in ~/.nv/ComputeCache; the first use on a
// fresh machine takes seconds). Their semantics follow tensor/cpu's: NaN
// rules, Round half to even, stable sort, integer casts truncating
// through int64. Float results may differ from the CPU's in the last bits
// (other summation orders, CUDA's libm), float atomics make scatter-add
// sums order-dependent, and random fills are reproducible from the seed
// but not the CPU's values, as with PyTorch.
//
// The primitives themselves are package cuda/internal/ops, written against
// a small device interface that this package implements on the driver and
// package cuda/internal/emu on a CPU emulation of the kernels, which the
// tests without a GPU use.
//
// # Memory
//
// Buffers come from a caching allocator (package cuda/internal/alloc).
// [Buffer.Free] (tensor's Free) returns memory at once; a buffer dropped
// without Free goes back when the garbage collector finds it, and an
// allocation that fails first runs the collector and empties the cache.
// [EmptyCache], [MemoryAllocated], [MemoryReserved] and friends mirror
// torch.cuda's functions; package tensor reaches them through optional
// interfaces (tensor.CudaMemoryAllocated and so on), so cells need no
// binding of this package.
//
// Matmul of float32 and float64 uses cuBLAS, loaded with dlopen at run
// time (see cuda/internal/dl for the search order and GONOTE_CUBLAS); when
// it is absent, a tiled kernel of gonote's own is used after a one-line
// notice on stderr.
package cuda
