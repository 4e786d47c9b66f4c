package cpu

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"gonote/tensor/backend"
	"gonote/tensor/cpu/internal/nozero"
)

// Large buffers are recycled, and allocated without zeroing when the
// caller writes every element (package nozero). Go has no reference
// counts, so a tensor's buffer is known to be dead only once the garbage
// collector has found it unreachable, and a fresh multi-megabyte slice
// costs zeroing, page faults when the heap grows, and earlier
// collections: with results of 4 MiB and a small live heap, the collector
// would run every other op. The pool keeps the slices of the large
// buffers it handed out; a cleanup attached to each Buffer
// (runtime.AddCleanup) marks its slice free once the collector has found
// the Buffer unreachable, and the next allocation of the same dtype and
// length takes it. The slices stay live through the pool, so the
// collector runs rarely and each cycle frees many buffers' worth of
// slices for reuse. (Weak pointers to the Buffers would do the
// same, but checking one during a collection's mark phase keeps its
// target alive for that cycle, which in a loop of allocations is every
// cycle.) An allocation that finds no free slice runs a collection itself,
// or adds a slice to the pool when collections come too often
// ([makeRoom]). Idle free slices leave the pool ([evictIdle]).
//
// A slice whose Buffer gave it away through [Buffer.Data] leaves the pool
// for good: Go code may keep it after the tensor is gone.

const (
	// poolMinBytes is the smallest buffer the pool keeps: Go's own size
	// classes serve smaller ones well.
	poolMinBytes = 32 << 10
	// poolMaxBytes bounds the memory the pool's slices hold, free or in
	// use; the garbage collector's heap goal grows with it.
	poolMaxBytes = 128 << 20
)

// keyMaxBytes bounds the memory of the pool's slices of one length: 32
// MiB, about what the processor's last-level cache holds, so that results
// that die young are written again while still in cache, but at least 32
// slices, so that the collection that frees them (a few tenths of a
// millisecond) costs little per op. (Measured: with one cap of 128 MiB,
// 256×256 products, whose results cycled through all of it, took up to
// twice as long as with 64 MiB; 1M-element adds took 15-20% less.)
func keyMaxBytes(bytes int) int { return max(32<<20, 32*bytes) }

type poolKey struct {
	dt backend.DType
	n  int
}

// A poolEntry is one slice the pool owns. It never points to the Buffer
// using it, so that the Buffer can be collected while the entry lives.
type poolEntry struct {
	data  any
	key   poolKey
	free  bool  // no Buffer uses data
	epoch int   // pool.collections when it was last handed out
	used  int64 // when it was last handed out, in Unix nanoseconds
	gone  bool  // the pool forgot data while in use (Data, tenure)
}

var pool struct {
	sync.Mutex
	entries map[poolKey][]*poolEntry
	bytes   int
	// collections counts the pool's own collections. Entries handed out
	// since the last one are young: like most results, they may be dead
	// already.
	collections int
	evicting    bool // evictIdle is running
	// lastOut is when the pool last handed out a slice, in Unix
	// nanoseconds, and gap a moving average of the time between two
	// hand-outs: about how long the ops that use the pool take.
	lastOut, gap int64
}

// handOut notes that the pool hands out a slice now, and returns the time.
// The pool is locked.
func handOut() int64 {
	now := time.Now().UnixNano()
	if g := now - pool.lastOut; g < int64(sliceIdleAfter) {
		if pool.gap == 0 {
			pool.gap = g
		} else {
			pool.gap += (g - pool.gap) / 4
		}
	}
	pool.lastOut = now
	return now
}

// allocBuffer returns a buffer of n elements of dt; it is zeroed when zero
// is true and holds unspecified values otherwise.
func allocBuffer(dt backend.DType, n int, zero bool) *Buffer {
	bytes := n * dt.Size()
	if bytes < poolMinBytes {
		b, _ := Wrap(makeSlice(dt, n, zero))
		return b
	}
	k := poolKey{dt, n}
	b := &Buffer{dt: dt, n: n}
	pool.Lock()
	e := takeFree(k)
	if e == nil && len(pool.entries[k]) > 0 {
		// Cleanups run on their own goroutine: let it free what the last
		// collection found before paying for a fresh slice.
		pool.Unlock()
		runtime.Gosched()
		pool.Lock()
		e = takeFree(k)
	}
	if e == nil {
		e = makeRoom(k, bytes)
	}
	pool.Unlock()
	switch {
	case e == nil:
		b.data = makeSlice(dt, n, zero)
		return b
	case e.data == nil:
		e.data = makeSlice(dt, n, zero)
	case zero:
		clearSlice(e.data)
	}
	b.data, b.entry = e.data, e
	runtime.AddCleanup(b, freeEntry, e)
	return b
}

// makeRoom finds a slice for key k when none is free: it collects garbage,
// so that dead buffers give their slices back, or adds a slice to the pool.
// Collecting comes first, unless the last collection was recent
// (collectedRecently): a key whose results are allocated faster than
// collections pay for themselves gets more slices, up to the caps
// (keyMaxBytes, poolMaxBytes), so that each collection frees more of them.
// Results allocated slowly, such as large matrix products, get few slices,
// which stay in cache and cost no page faults. With the caps reached, it
// collects anyway: a fresh slice costs page faults and, as the heap grows,
// a collection of its own. When that frees nothing either, the slices that
// kept tensors hold leave the pool (tenure), to make room. It returns nil
// when nothing gives a slice; the caller then takes a fresh one outside the
// pool. The pool is locked.
func makeRoom(k poolKey, bytes int) *poolEntry {
	// Only young slices (handed out since the last collection) may be
	// dead: most results die young, while one that stayed in use through
	// a collection likely belongs to a tensor the user keeps. Two, since
	// a loop's last result is usually still held when the next is made.
	canCollect := young(k) >= 2
	if canCollect && !collectedRecently() {
		if e := collectFree(k); e != nil {
			return e
		}
		canCollect = false // it just did
	}
	if e := grow(k, bytes); e != nil {
		return e
	}
	if canCollect {
		if e := collectFree(k); e != nil {
			return e
		}
	}
	if tenure() {
		return grow(k, bytes)
	}
	return nil
}

// grow adds an entry for key k, in use, when the caps leave room for it,
// and returns it; its slice is made by the caller. The pool is locked.
func grow(k poolKey, bytes int) *poolEntry {
	if (len(pool.entries[k])+1)*bytes > keyMaxBytes(bytes) ||
		(pool.bytes+bytes > poolMaxBytes && !evictFree(bytes)) {
		return nil
	}
	if !pool.evicting {
		pool.evicting = true
		go evictIdle()
	}
	e := &poolEntry{key: k, epoch: pool.collections, used: handOut()}
	pool.entries[k] = append(pool.entries[k], e)
	pool.bytes += bytes
	return e
}

// tenure takes out of the pool, for good, the slices that stayed in use
// through one of its collections: those of tensors the user keeps, such as
// a model's inputs, whose room the pool needs for results. It reports
// whether there were any. The pool is locked.
func tenure() bool {
	before := pool.bytes
	dropEntries(func(e *poolEntry) bool { return !e.free && e.epoch < pool.collections })
	return pool.bytes < before
}

// collectFree runs a collection and returns an entry of key k that it
// freed, or nil. The pool is locked.
func collectFree(k poolKey) *poolEntry {
	if !collecting.busy.CompareAndSwap(false, true) {
		return nil // another goroutine's collection is running
	}
	pool.Unlock()
	start := time.Now()
	runtime.GC()
	collected := time.Now()
	pool.Lock()
	pool.collections++
	// The collection's cleanups run on their own goroutine, and take
	// microseconds: wait for them, within reason.
	var e *poolEntry
	for time.Since(collected) < time.Millisecond {
		if e = takeFree(k); e != nil {
			break
		}
		pool.Unlock()
		runtime.Gosched()
		pool.Lock()
	}
	// The wait counts in the collection's cost: when nothing was freed,
	// it is most of it.
	end := time.Now()
	d := int64(end.Sub(start))
	if a := collecting.typical.Load(); a != 0 {
		d = a + (d-a)/4 // one slow collection (the OS took the CPU) must not decide
	}
	collecting.typical.Store(d)
	collecting.last.Store(end.UnixNano())
	collecting.busy.Store(false)
	return e
}

// collectGap: the pool collects at most once per collectGap typical
// collections' time while it may grow instead, which keeps its
// collections under about 5% of the time of a loop of allocations. A
// collection takes a few tenths of a millisecond in a test process, and
// milliseconds in a kernel, whose interpreter and session keep more data
// live.
const collectGap = 20

var collecting struct {
	busy    atomic.Bool
	typical atomic.Int64 // a moving average of the collections' durations
	last    atomic.Int64 // when the last one ended, in Unix nanoseconds
}

// collectedRecently reports whether the last collection ended less than
// collectGap typical collections ago.
func collectedRecently() bool {
	since := time.Now().UnixNano() - collecting.last.Load()
	return since < collectGap*collecting.typical.Load()
}

// young returns the number of k's entries in use that were handed out
// since the last collection. The pool is locked.
func young(k poolKey) int {
	n := 0
	for _, e := range pool.entries[k] {
		if !e.free && e.epoch == pool.collections {
			n++
		}
	}
	return n
}

// takeFree returns a free entry for k, marked in use, or nil. The pool is
// locked.
func takeFree(k poolKey) *poolEntry {
	if pool.entries == nil {
		pool.entries = map[poolKey][]*poolEntry{}
	}
	for _, e := range pool.entries[k] {
		if e.free {
			e.free = false
			e.epoch = pool.collections
			e.used = handOut()
			return e
		}
	}
	return nil
}

// freeEntry is the cleanup of a pooled Buffer.
func freeEntry(e *poolEntry) {
	pool.Lock()
	e.free = !e.gone
	pool.Unlock()
}

// A slice free and not handed out for sliceIdleAfter leaves the pool, and
// so do all free slices once the pool has handed out none for a while
// (idleAfter): the loop that used them has ended. The pool's slices are
// live memory to the collector, whose next goal grows with the live heap:
// slices that a finished cell's large tensors left in the pool would make
// every later allocation land in memory not touched for hundreds of
// megabytes, cold in cache or not yet mapped (a 1,000-element add from a
// cell took 2-3 times as long right after a cell of 1M-element adds).
const (
	sliceIdleAfter = time.Second
	poolIdleAfter  = 100 * time.Millisecond
)

// idleAfter returns how long the pool must hand out nothing to count as
// idle: poolIdleAfter, or longer where its ops take long (a 2048×2048
// product takes about 100 ms), but at most sliceIdleAfter. The pool is
// locked.
func idleAfter() int64 {
	return min(max(4*pool.gap, int64(poolIdleAfter)), int64(sliceIdleAfter))
}

// evictIdle runs while the pool has slices: twice per poolIdleAfter it
// drops the idle ones, and when that frees a good deal of memory it
// collects at once, so that the heap, and the collector's next goal,
// shrink now rather than after another cycle. An idle pool may still hold
// the last results of a finished loop, dead but in use for want of a
// collection since: it collects once to free them, so that they leave
// too.
func evictIdle() {
	tick := time.NewTicker(poolIdleAfter / 2)
	defer tick.Stop()
	collectedIdle := false // since the pool last handed out a slice
	for range tick.C {
		now := time.Now().UnixNano()
		pool.Lock()
		if len(pool.entries) == 0 {
			pool.evicting = false
			pool.Unlock()
			return
		}
		idle := now-pool.lastOut > idleAfter()
		if !idle {
			collectedIdle = false
		}
		if idle && !collectedIdle && anyInUse() {
			collectedIdle = true
			pool.Unlock()
			runtime.GC()
			time.Sleep(time.Millisecond) // for the cleanups, which run on their own goroutine
			pool.Lock()
			pool.collections++
		}
		cutoff := now - int64(sliceIdleAfter)
		before := pool.bytes
		dropFree(func(e *poolEntry) bool { return idle || e.used < cutoff })
		dropped := before - pool.bytes
		pool.Unlock()
		if dropped >= idleCollectBytes {
			runtime.GC()
		}
	}
}

// anyInUse reports whether a Buffer uses one of the pool's slices. The
// pool is locked.
func anyInUse() bool {
	for _, es := range pool.entries {
		for _, e := range es {
			if !e.free {
				return true
			}
		}
	}
	return false
}

// idleCollectBytes is how much evictIdle must drop to collect at once.
const idleCollectBytes = 16 << 20

// evictFree drops free slices of any size until need more bytes fit in
// the pool, and reports whether they do. The pool is locked.
func evictFree(need int) bool {
	dropFree(func(*poolEntry) bool { return pool.bytes+need > poolMaxBytes })
	return pool.bytes+need <= poolMaxBytes
}

// dropFree takes out of the pool the free slices for which drop, asked in
// turn, reports true. The pool is locked.
func dropFree(drop func(e *poolEntry) bool) {
	dropEntries(func(e *poolEntry) bool { return e.free && drop(e) })
}

// dropEntries takes out of the pool the entries for which drop, asked in
// turn, reports true; the Buffers using any of them keep their slices. The
// pool is locked.
func dropEntries(drop func(e *poolEntry) bool) {
	for k, es := range pool.entries {
		kept := es[:0]
		for _, e := range es {
			if drop(e) {
				e.gone = !e.free
				pool.bytes -= k.n * k.dt.Size()
				continue
			}
			kept = append(kept, e)
		}
		clear(es[len(kept):])
		if len(kept) == 0 {
			delete(pool.entries, k)
		} else {
			pool.entries[k] = kept
		}
	}
}

// release takes b's slice out of the pool for good.
func (b *Buffer) release() {
	e := b.entry
	if e == nil {
		return
	}
	pool.Lock()
	defer pool.Unlock()
	if e.gone {
		return
	}
	e.gone = true
	es := pool.entries[e.key]
	for i, x := range es {
		if x == e {
			es[i] = es[len(es)-1]
			es[len(es)-1] = nil
			pool.entries[e.key] = es[:len(es)-1]
			pool.bytes -= e.key.n * e.key.dt.Size()
			return
		}
	}
}

// makeSlice is MakeSlice, without the zeroing unless zero is true.
func makeSlice(dt backend.DType, n int, zero bool) any {
	if zero {
		return MakeSlice(dt, n)
	}
	switch dt {
	case backend.Float32:
		return nozero.Float32s(n)
	case backend.Float64:
		return nozero.Float64s(n)
	case backend.Int64:
		return nozero.Int64s(n)
	case backend.Int32:
		return nozero.Int32s(n)
	case backend.Uint8:
		return nozero.Uint8s(n)
	}
	return MakeSlice(dt, n) // bool: Go's bools must hold 0 or 1
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
