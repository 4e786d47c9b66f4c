//go:build cuda

package cuda

import (
	"reflect"
	"sort"
	"sync"
	"unsafe"

	"gorgonia.org/cu"

	"gonote/tensor/backend"
)

func reflectTypeName(v any) string { return reflect.TypeOf(v).String() }

// MemoryStats returns the caching allocator's counters of device index
// (default 0), under torch.cuda.memory_stats's names: "allocated_bytes"
// (memory_allocated), "reserved_bytes" (memory_reserved),
// "max_allocated_bytes", "max_reserved_bytes", "num_alloc_retries",
// "num_ooms", "allocations", "frees", "device_allocations",
// "device_frees".
func MemoryStats(index ...int) map[string]int64 {
	s := dev(idx(index)).alloc.Stats()
	return map[string]int64{
		"allocated_bytes": s.Allocated, "reserved_bytes": s.Reserved,
		"max_allocated_bytes": s.MaxAllocated, "max_reserved_bytes": s.MaxReserved,
		"num_alloc_retries": s.Retries, "num_ooms": s.OOMs,
		"allocations": s.Allocs, "frees": s.Frees,
		"device_allocations": s.DeviceAllocs, "device_frees": s.DeviceFrees,
	}
}

// MemoryAllocated returns the bytes of device memory held by live buffers
// on device index (default 0), like torch.cuda.memory_allocated.
func MemoryAllocated(index ...int) int64 { return dev(idx(index)).alloc.Stats().Allocated }

// MemoryReserved returns the bytes the caching allocator holds on device
// index (default 0), in use or cached, like torch.cuda.memory_reserved.
func MemoryReserved(index ...int) int64 { return dev(idx(index)).alloc.Stats().Reserved }

// MaxMemoryAllocated returns the peak of MemoryAllocated since the start
// or the last ResetPeakMemoryStats, like torch.cuda.max_memory_allocated.
func MaxMemoryAllocated(index ...int) int64 { return dev(idx(index)).alloc.Stats().MaxAllocated }

// ResetPeakMemoryStats resets the peaks that MaxMemoryAllocated reports.
func ResetPeakMemoryStats(index ...int) { dev(idx(index)).alloc.ResetPeakStats() }

// EmptyCache releases the cached, unused device memory of every started
// device to the driver, like torch.cuda.empty_cache. Memory of live
// tensors stays.
func EmptyCache() {
	for _, d := range started() {
		d.do(d.sync)
		check(d.alloc.EmptyCache())
	}
}

// Synchronize waits until every queued operation on device index (default
// 0) has finished, like torch.cuda.synchronize.
func Synchronize(index ...int) {
	d := dev(idx(index))
	d.do(d.sync)
}

// DeviceName returns the name of device index (default 0), as in
// "NVIDIA H100 80GB HBM3".
func DeviceName(index ...int) string {
	name, err := cu.Device(idx(index)).Name()
	check(err)
	return name
}

func idx(index []int) int {
	if len(index) > 0 {
		return index[0]
	}
	return 0
}

// An Event marks a point in a device's stream, for timing GPU work like
// torch.cuda.Event(enable_timing=True).
type Event struct {
	d  *device
	ev cu.Event
}

// NewEvent returns an event on device index (default 0).
func NewEvent(index ...int) *Event {
	d := dev(idx(index))
	e := &Event{d: d}
	d.do(func() {
		var err error
		e.ev, err = cu.MakeEvent(cu.DefaultEvent)
		check(err)
	})
	return e
}

// Record marks the current end of the device's queue.
func (e *Event) Record() { e.d.do(func() { check(e.ev.Record(e.d.stream)) }) }

// ElapsedMs waits for end and returns the milliseconds of GPU time between
// e and end, both recorded.
func (e *Event) ElapsedMs(end *Event) float64 {
	var ms float64
	e.d.do(func() {
		check(end.ev.Synchronize())
		var err error
		ms, err = e.ev.Elapsed(end.ev)
		check(err)
	})
	return ms
}

// Destroy releases the event.
func (e *Event) Destroy() { e.d.do(func() { check(cu.DestroyEvent(&e.ev)) }) }

// Pinned host memory.

type pinnedRegion struct {
	base, end uintptr
}

var (
	pinMu  sync.Mutex
	pinned []pinnedRegion // sorted by base
)

// Pinned returns a zeroed host slice of n elements of dt ([]float32, ...,
// []bool) in page-locked memory, which the GPU reads and writes directly:
// copies between it and a device are faster than from Go memory, and a
// tensor wrapped around it (tensor.FromSlice) uploads without waiting,
// like PyTorch's non_blocking=True: do not write to the slice before
// Synchronize. Release it with FreePinned; the garbage collector does not.
func Pinned(dt backend.DType, n int) any {
	size := max(n*dt.Size(), 1)
	if numDevices() == 0 {
		fail("CUDA error: no CUDA device for pinned memory")
	}
	d := dev(0)
	var p unsafe.Pointer
	d.do(func() {
		var err error
		p, err = hostAlloc(size)
		check(err)
	})
	clear(unsafe.Slice((*byte)(p), size))
	pinMu.Lock()
	r := pinnedRegion{uintptr(p), uintptr(p) + uintptr(size)}
	i := sort.Search(len(pinned), func(i int) bool { return pinned[i].base >= r.base })
	pinned = append(pinned, pinnedRegion{})
	copy(pinned[i+1:], pinned[i:])
	pinned[i] = r
	pinMu.Unlock()
	switch dt {
	case backend.Float32:
		return unsafe.Slice((*float32)(p), n)
	case backend.Float64:
		return unsafe.Slice((*float64)(p), n)
	case backend.Int64:
		return unsafe.Slice((*int64)(p), n)
	case backend.Int32:
		return unsafe.Slice((*int32)(p), n)
	case backend.Uint8:
		return unsafe.Slice((*uint8)(p), n)
	}
	return unsafe.Slice((*bool)(p), n)
}

// FreePinned releases a slice from Pinned, after waiting for the copies
// that may still read it. Using the slice afterwards is a crash.
func FreePinned(s any) {
	p, _, _ := hostBytes(s)
	pinMu.Lock()
	i := sort.Search(len(pinned), func(i int) bool { return pinned[i].base >= uintptr(p) })
	if i == len(pinned) || pinned[i].base != uintptr(p) {
		pinMu.Unlock()
		panic("cuda: FreePinned of a slice that Pinned did not return")
	}
	pinned = append(pinned[:i], pinned[i+1:]...)
	pinMu.Unlock()
	for _, d := range started() {
		d.do(d.sync)
	}
	d := dev(0)
	d.do(func() { check(hostFree(p)) })
}

// started returns the devices whose workers run.
func started() []*device {
	numDevices()
	devMu.Lock()
	defer devMu.Unlock()
	var ds []*device
	for _, d := range devices {
		if d != nil {
			ds = append(ds, d)
		}
	}
	return ds
}

// The methods below let package tensor reach the allocator through an
// optional interface (tensor.CudaMemoryStats and friends).

// MemoryStats returns MemoryStats(index).
func (Backend) MemoryStats(index int) map[string]int64 { return MemoryStats(index) }

// EmptyCache calls EmptyCache.
func (Backend) EmptyCache() { EmptyCache() }

// Synchronize calls Synchronize(index).
func (Backend) Synchronize(index int) { Synchronize(index) }
