package tensor

import "gonote/tensor/backend"

// This file holds the memory management that only matters for device
// tensors: releasing a tensor's device memory early and the torch.cuda
// memory functions. Package tensor reaches the CUDA backend through the
// optional interfaces below, so it never imports it.

// freer is implemented by buffers that hold memory outside the Go heap
// (the CUDA backend's); Free returns it at once.
type freer interface{ Free() }

// cudaMemory is implemented by a "cuda" backend with a caching allocator.
type cudaMemory interface {
	MemoryStats(index int) map[string]int64
	EmptyCache()
	Synchronize(index int)
}

// Free releases the device memory of t's storage now, instead of when the
// garbage collector finds the tensor unreachable (Go has no reference
// counting to do it the moment the last reference goes, as PyTorch does).
// Every tensor sharing t's storage (views, detached copies) becomes
// unusable: operations on them panic with a RuntimeError. On the CPU, Free
// does nothing. It is safe to call twice.
func (t *Tensor) Free() {
	if f, ok := t.buf.(freer); ok {
		f.Free()
	}
}

func cudaMem() (cudaMemory, bool) {
	b, ok := backend.Lookup("cuda")
	if !ok {
		return nil, false
	}
	m, ok := b.(cudaMemory)
	return m, ok
}

func deviceIndex(device []int) int {
	if len(device) > 0 {
		return device[0]
	}
	return 0
}

// CudaMemoryStats returns the CUDA caching allocator's counters of device
// (default 0) under torch.cuda.memory_stats's names, such as
// "allocated_bytes" and "reserved_bytes"; nil without a CUDA backend.
func CudaMemoryStats(device ...int) map[string]int64 {
	if m, ok := cudaMem(); ok && DeviceCount() > 0 {
		return m.MemoryStats(deviceIndex(device))
	}
	return nil
}

// CudaMemoryAllocated returns the bytes of GPU memory that live tensors
// occupy on device (default 0), like torch.cuda.memory_allocated; 0
// without a CUDA backend.
func CudaMemoryAllocated(device ...int) int64 { return CudaMemoryStats(device...)["allocated_bytes"] }

// CudaMemoryReserved returns the bytes of GPU memory the caching allocator
// holds on device (default 0), in use or cached for reuse, like
// torch.cuda.memory_reserved; 0 without a CUDA backend.
func CudaMemoryReserved(device ...int) int64 { return CudaMemoryStats(device...)["reserved_bytes"] }

// CudaMaxMemoryAllocated returns the peak of CudaMemoryAllocated on device
// (default 0), like torch.cuda.max_memory_allocated.
func CudaMaxMemoryAllocated(device ...int) int64 {
	return CudaMemoryStats(device...)["max_allocated_bytes"]
}

// CudaEmptyCache releases the GPU memory that the caching allocator holds
// but no tensor uses, like torch.cuda.empty_cache. It does nothing without
// a CUDA backend.
func CudaEmptyCache() {
	if m, ok := cudaMem(); ok && DeviceCount() > 0 {
		m.EmptyCache()
	}
}

// CudaSynchronize waits until the GPU work queued on device (default 0)
// has finished, like torch.cuda.synchronize; GPU operations return before
// the GPU is done, so time them with it. It does nothing without a CUDA
// backend.
func CudaSynchronize(device ...int) {
	if m, ok := cudaMem(); ok && DeviceCount() > 0 {
		m.Synchronize(deviceIndex(device))
	}
}
