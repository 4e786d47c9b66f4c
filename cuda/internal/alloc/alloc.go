// Package alloc is the caching allocator of gonote's CUDA backend, in the
// manner of PyTorch's CUDACachingAllocator: freed blocks go to a cache and
// are handed out again for later requests of a similar size, because
// cuMemAlloc and cuMemFree are slow (and cuMemFree synchronises the device).
// It is written against [Device], a pair of raw allocation functions, so
// it is tested without a GPU.
//
// Sizes are rounded up to 512 bytes, and to 2 MiB above 1 MiB. A request is
// served by the smallest cached block that is at least as large and, for
// blocks above 1 MiB, not more than twice as large; blocks are not split.
// When the device is out of memory, the allocator asks its owner to
// reclaim unreachable buffers, releases every cached block and tries once
// more before it reports an [*OOMError].
package alloc

import (
	"errors"
	"fmt"
	"sort"
	"sync"
)

// ErrOutOfMemory is what a Device's Alloc returns (possibly wrapped) when
// the device has no memory left.
var ErrOutOfMemory = errors.New("alloc: out of device memory")

// Device allocates and frees raw device memory.
type Device interface {
	// Alloc returns the address of size new bytes; an error wrapping
	// ErrOutOfMemory when they are not available.
	Alloc(size int64) (uintptr, error)
	// Free releases memory from Alloc.
	Free(ptr uintptr) error
	// MemInfo returns the device's free and total memory in bytes.
	MemInfo() (free, total int64)
}

// Options configures an Allocator; the zero value means the defaults.
type Options struct {
	// Index is the device number shown in errors.
	Index int
	// Reclaim, when set, is called without locks held before a retry
	// after an out-of-memory error, to free buffers that are no longer
	// reachable (package cuda runs the garbage collector).
	Reclaim func()
	// Pressure, when set, is called (without locks, on the allocating
	// goroutine) each time PressureBytes more bytes have been allocated;
	// package cuda starts a garbage collection so that finalizers return
	// dropped buffers before the device fills up. Default 1 GiB.
	Pressure      func()
	PressureBytes int64
}

// Stats are the allocator's counters, named after torch.cuda.memory_stats.
type Stats struct {
	Allocated    int64 // bytes in blocks in use (memory_allocated)
	Reserved     int64 // bytes obtained from the device, in use or cached (memory_reserved)
	MaxAllocated int64 // peak of Allocated (max_memory_allocated)
	MaxReserved  int64 // peak of Reserved (max_memory_reserved)
	Allocs       int64 // blocks handed out
	Frees        int64 // blocks given back
	DeviceAllocs int64 // calls of Device.Alloc that succeeded
	DeviceFrees  int64 // calls of Device.Free
	Retries      int64 // allocations retried after emptying the cache (num_alloc_retries)
	OOMs         int64 // allocations that failed (num_ooms)
}

// A Block is a piece of device memory handed out by Alloc.
type Block struct {
	Ptr  uintptr
	Size int64 // rounded size
	free bool
}

// Allocator is a caching allocator for one device. It is safe for
// concurrent use.
type Allocator struct {
	dev  Device
	opts Options

	mu         sync.Mutex
	cache      []*Block // free blocks, sorted by size
	stats      Stats
	sincePress int64
}

// New returns an allocator over dev.
func New(dev Device, opts Options) *Allocator {
	if opts.PressureBytes == 0 {
		opts.PressureBytes = 1 << 30
	}
	return &Allocator{dev: dev, opts: opts}
}

const (
	smallSize = 1 << 20 // blocks up to this size round to 512 bytes
	largeUnit = 2 << 20
)

// RoundSize returns the size of the block that serves a request of size bytes.
func RoundSize(size int64) int64 {
	if size <= 0 {
		return 512
	}
	if size <= smallSize {
		return (size + 511) &^ 511
	}
	return (size + largeUnit - 1) / largeUnit * largeUnit
}

// Alloc returns a block of at least size bytes. The memory is not cleared.
// It returns an *OOMError when the device cannot provide it even after the
// cache is emptied.
func (a *Allocator) Alloc(size int64) (*Block, error) {
	rs := RoundSize(size)
	a.mu.Lock()
	if b := a.takeCached(rs); b != nil {
		a.handOut(b)
		press := a.pressed(b.Size)
		a.mu.Unlock()
		a.press(press)
		return b, nil
	}
	a.mu.Unlock()
	ptr, err := a.dev.Alloc(rs)
	if err != nil && errors.Is(err, ErrOutOfMemory) {
		if a.opts.Reclaim != nil {
			a.opts.Reclaim()
			a.mu.Lock()
			b := a.takeCached(rs)
			if b != nil {
				a.handOut(b)
			}
			a.mu.Unlock()
			if b != nil {
				return b, nil
			}
		}
		a.mu.Lock()
		a.stats.Retries++
		a.mu.Unlock()
		a.EmptyCache()
		ptr, err = a.dev.Alloc(rs)
	}
	if err != nil {
		a.mu.Lock()
		a.stats.OOMs++
		st := a.stats
		a.mu.Unlock()
		if errors.Is(err, ErrOutOfMemory) {
			free, total := a.dev.MemInfo()
			return nil, &OOMError{Device: a.opts.Index, Requested: rs, Total: total, Free: free,
				Allocated: st.Allocated, Reserved: st.Reserved}
		}
		return nil, err
	}
	b := &Block{Ptr: ptr, Size: rs}
	a.mu.Lock()
	a.stats.DeviceAllocs++
	a.stats.Reserved += rs
	a.stats.MaxReserved = max(a.stats.MaxReserved, a.stats.Reserved)
	a.handOut(b)
	press := a.pressed(rs)
	a.mu.Unlock()
	a.press(press)
	return b, nil
}

func (a *Allocator) pressed(n int64) bool {
	a.sincePress += n
	if a.sincePress >= a.opts.PressureBytes {
		a.sincePress = 0
		return a.opts.Pressure != nil
	}
	return false
}

func (a *Allocator) press(p bool) {
	if p {
		a.opts.Pressure()
	}
}

func (a *Allocator) handOut(b *Block) {
	b.free = false
	a.stats.Allocs++
	a.stats.Allocated += b.Size
	a.stats.MaxAllocated = max(a.stats.MaxAllocated, a.stats.Allocated)
}

// takeCached removes and returns the best cached block for a rounded size,
// or nil.
func (a *Allocator) takeCached(rs int64) *Block {
	i := sort.Search(len(a.cache), func(i int) bool { return a.cache[i].Size >= rs })
	if i == len(a.cache) {
		return nil
	}
	b := a.cache[i]
	if b.Size != rs && (rs <= smallSize) != (b.Size <= smallSize) {
		return nil // small requests never take large blocks, and back
	}
	if rs > smallSize && b.Size > 2*rs {
		return nil
	}
	a.cache = append(a.cache[:i], a.cache[i+1:]...)
	return b
}

// Free returns b to the cache. Freeing a block twice does nothing.
func (a *Allocator) Free(b *Block) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if b == nil || b.free {
		return
	}
	b.free = true
	a.stats.Frees++
	a.stats.Allocated -= b.Size
	i := sort.Search(len(a.cache), func(i int) bool { return a.cache[i].Size >= b.Size })
	a.cache = append(a.cache, nil)
	copy(a.cache[i+1:], a.cache[i:])
	a.cache[i] = b
}

// EmptyCache releases every cached block to the device, like
// torch.cuda.empty_cache. Blocks in use stay.
func (a *Allocator) EmptyCache() error {
	a.mu.Lock()
	blocks := a.cache
	a.cache = nil
	a.mu.Unlock()
	var first error
	for _, b := range blocks {
		err := a.dev.Free(b.Ptr)
		a.mu.Lock()
		a.stats.DeviceFrees++
		a.stats.Reserved -= b.Size
		a.mu.Unlock()
		if err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Stats returns the current counters.
func (a *Allocator) Stats() Stats {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.stats
}

// ResetPeakStats sets the peaks to the current values, like
// torch.cuda.reset_peak_memory_stats.
func (a *Allocator) ResetPeakStats() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.stats.MaxAllocated = a.stats.Allocated
	a.stats.MaxReserved = a.stats.Reserved
}

// OOMError reports an allocation the device could not serve. Its message
// follows PyTorch's.
type OOMError struct {
	Device                 int
	Requested, Total, Free int64
	Allocated, Reserved    int64
}

// Error returns PyTorch's wording, with gonote in place of PyTorch.
func (e *OOMError) Error() string {
	return fmt.Sprintf("CUDA out of memory. Tried to allocate %s (GPU %d; %s total capacity; %s already allocated; %s free; %s reserved in total by gonote)",
		FormatSize(e.Requested), e.Device, FormatSize(e.Total), FormatSize(e.Allocated), FormatSize(e.Free), FormatSize(e.Reserved))
}

// FormatSize writes a byte count as PyTorch's allocator does: bytes below
// 1 KiB, then KiB, MiB or GiB with two decimals.
func FormatSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%.2f KiB", float64(n)/(1<<10))
	case n < 1<<30:
		return fmt.Sprintf("%.2f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
}
