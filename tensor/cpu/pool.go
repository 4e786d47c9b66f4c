package cpu

import (
	"runtime"
	"sync"
	"weak"

	"gonote/tensor/backend"
)

// Large buffers are recycled. Go has no reference counts, so a tensor's
// buffer is known to be dead only once the garbage collector has freed it,
// and a fresh multi-megabyte slice costs zeroing, page faults when the heap
// grows, and, above all, earlier collections: with results of 4 MiB and a
// small live heap, the collector would run every other op. The pool keeps
// the slices of the large buffers it handed out, each with a weak pointer
// to the Buffer using it; once the collector has freed that Buffer, the
// next allocation of the same dtype and length takes the slice. Because
// the pool's slices stay live, the collector runs rarely and each cycle
// frees many buffers' worth of slices for reuse.
//
// A slice whose Buffer gave it away through [Buffer.Data] leaves the pool
// for good: Go code may keep it after the tensor is gone.

const (
	// poolMinBytes is the smallest buffer the pool keeps: Go's own size
	// classes serve smaller ones well.
	poolMinBytes = 32 << 10
	// poolMaxBytes bounds the memory the pool's slices hold, free or in use.
	poolMaxBytes = 64 << 20
)

type poolKey struct {
	dt backend.DType
	n  int
}

// A poolEntry is one slice the pool owns and the Buffer using it.
type poolEntry struct {
	data  any
	owner weak.Pointer[Buffer]
}

var pool struct {
	sync.Mutex
	entries map[poolKey][]*poolEntry
	bytes   int
}

// allocBuffer returns a buffer of n elements of dt; it is zeroed when zero
// is true and holds unspecified values otherwise.
func allocBuffer(dt backend.DType, n int, zero bool) *Buffer {
	bytes := n * dt.Size()
	if bytes < poolMinBytes {
		b, _ := Wrap(MakeSlice(dt, n))
		return b
	}
	k := poolKey{dt, n}
	b := &Buffer{dt: dt, n: n}
	b.pooled.Store(true)
	pool.Lock()
	for _, e := range pool.entries[k] {
		if e.owner.Value() == nil {
			e.owner = weak.Make(b)
			pool.Unlock()
			b.data = e.data
			if zero {
				clearSlice(e.data)
			}
			return b
		}
	}
	if pool.bytes+bytes > poolMaxBytes && !evictFree(bytes) {
		pool.Unlock()
		b.pooled.Store(false)
		b.data = MakeSlice(dt, n)
		return b
	}
	if pool.entries == nil {
		pool.entries = map[poolKey][]*poolEntry{}
	}
	b.data = MakeSlice(dt, n)
	pool.entries[k] = append(pool.entries[k], &poolEntry{data: b.data, owner: weak.Make(b)})
	pool.bytes += bytes
	pool.Unlock()
	return b
}

// evictFree drops free slices of any size until need more bytes fit in
// the pool, and reports whether they do. The pool is locked.
func evictFree(need int) bool {
	for k, es := range pool.entries {
		for i := 0; i < len(es); i++ {
			if es[i].owner.Value() != nil {
				continue
			}
			es[i] = es[len(es)-1]
			es = es[:len(es)-1]
			i--
			pool.bytes -= k.n * k.dt.Size()
			if pool.bytes+need <= poolMaxBytes {
				pool.entries[k] = es
				return true
			}
		}
		if len(es) == 0 {
			delete(pool.entries, k)
		} else {
			pool.entries[k] = es
		}
	}
	return pool.bytes+need <= poolMaxBytes
}

// release takes b's slice out of the pool for good.
func (b *Buffer) release() {
	if !b.pooled.Swap(false) {
		return
	}
	k := poolKey{b.dt, b.n}
	w := weak.Make(b)
	pool.Lock()
	defer pool.Unlock()
	es := pool.entries[k]
	for i, e := range es {
		if e.owner == w {
			es[i] = es[len(es)-1]
			pool.entries[k] = es[:len(es)-1]
			pool.bytes -= b.n * b.dt.Size()
			return
		}
	}
}

// clearSlice zeroes a slice made by MakeSlice.
func clearSlice(s any) {
	switch d := s.(type) {
	case []float32:
		clear(d)
	case []float64:
		clear(d)
	case []int64:
		clear(d)
	case []int32:
		clear(d)
	case []uint8:
		clear(d)
	case []bool:
		clear(d)
	}
}

// keep keeps the buffers of views reachable until it is called: a kernel
// must not lose its buffers to the pool while it still reads or writes
// them, so every method that touches views defers it.
func keep(views ...backend.View) {
	for _, v := range views {
		runtime.KeepAlive(v.Buf)
	}
}
