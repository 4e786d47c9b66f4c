package cpu

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"gonote/tensor/backend"
)

// poolN is a float32 length the pool keeps and no other test uses.
const poolN = poolMinBytes/4 + 123

// firstOf allocates a pooled buffer, writes 7 to it, lets it go and returns
// the address of its first element.
func firstOf(empty bool) *float32 {
	var c CPU
	var b backend.Buffer
	if empty {
		b = c.AllocEmpty(0, backend.Float32, poolN)
	} else {
		b = c.Alloc(0, backend.Float32, poolN)
	}
	d := b.(*Buffer).data.([]float32)
	d[0] = 7
	return &d[0]
}

// freeFirsts collects garbage until the cleanup of the buffer whose first
// element is at p has run, and returns the addresses of the first elements
// of the pool's free slices of poolN float32s.
func freeFirsts(t *testing.T, p *float32) map[*float32]bool {
	for range 100 {
		runtime.GC()
		runtime.Gosched()
		pool.Lock()
		m := map[*float32]bool{}
		for _, e := range pool.entries[poolKey{backend.Float32, poolN}] {
			if e.free {
				m[&e.data.([]float32)[0]] = true
			}
		}
		pool.Unlock()
		if m[p] {
			return m
		}
	}
	t.Fatalf("the pool did not get back a collected buffer's slice")
	return nil
}

func TestPoolReuse(t *testing.T) {
	free := freeFirsts(t, firstOf(true))
	var c CPU
	b := c.Alloc(0, backend.Float32, poolN)
	d := b.(*Buffer).data.([]float32)
	if !free[&d[0]] {
		t.Fatalf("a collected buffer's slice was not reused")
	}
	if d[0] != 0 {
		t.Fatalf("Alloc reused a slice without zeroing it: %v", d[0])
	}
	runtime.KeepAlive(b)
}

func TestPoolData(t *testing.T) {
	var c CPU
	b := c.AllocEmpty(0, backend.Float32, poolN)
	kept := b.(*Buffer).Data().([]float32)
	kept[0] = 42
	b = nil
	runtime.GC()
	for i := 0; i < 4; i++ {
		b := c.AllocEmpty(0, backend.Float32, poolN)
		if d := b.(*Buffer).data.([]float32); &d[0] == &kept[0] {
			t.Fatalf("a slice given away by Data went to another buffer")
		}
		runtime.KeepAlive(b)
	}
	if kept[0] != 42 {
		t.Fatalf("a slice given away by Data changed: %v", kept[0])
	}
}

// restoreCollecting forgets the collections a test pretended.
func restoreCollecting() {
	collecting.typical.Store(0)
	collecting.last.Store(0)
}

// emptyPool empties the pool: earlier tests' (and runs') buffers are dead.
func emptyPool(t *testing.T) {
	for i := 0; ; i++ {
		runtime.GC()
		runtime.Gosched()
		pool.Lock()
		evictFree(poolMaxBytes)
		empty := pool.bytes == 0
		pool.Unlock()
		if empty {
			return
		}
		if i == 100 {
			t.Fatalf("the pool keeps slices of dead buffers")
		}
	}
}

func TestPoolCollectsWhenFull(t *testing.T) {
	defer restoreCollecting()
	for _, n := range []int{
		poolMaxBytes/4/16 + 7, // 16 do not fit in the pool
		poolMinBytes/2 + 5,    // the pool holds keyMaxBytes of them
	} {
		emptyPool(t)
		// Fill the pool without collecting: a collection a moment ago, and
		// collections are slow, so the pool grows instead.
		collecting.typical.Store(int64(time.Hour))
		collecting.last.Store(time.Now().UnixNano())
		var c CPU
		firsts := map[*float32]bool{}
		var held []backend.Buffer
		for {
			pool.Lock()
			grows := pool.bytes+4*n <= poolMaxBytes &&
				(len(pool.entries[poolKey{backend.Float32, n}])+1)*4*n <= keyMaxBytes(4*n)
			pool.Unlock()
			if !grows {
				break
			}
			b := c.AllocEmpty(0, backend.Float32, n)
			held = append(held, b)
			firsts[&b.(*Buffer).data.([]float32)[0]] = true
		}
		held = nil
		// Still right after a collection: the pool, full, collects anyway.
		b := c.AllocEmpty(0, backend.Float32, n)
		if d := b.(*Buffer).data.([]float32); !firsts[&d[0]] {
			t.Fatalf("%d float32s: with the pool's room for them taken by dead buffers, an allocation took a fresh slice", n)
		}
	}
}

// TestPoolGrowsWhenCollectionsAreRecent checks makeRoom's choice between
// collecting and adding slices for a key whose results die at once.
func TestPoolGrowsWhenCollectionsAreRecent(t *testing.T) {
	const n = poolMinBytes/4 + 77
	emptyPool(t)
	defer restoreCollecting()
	var c CPU
	allocate := func() (collections, entries int) {
		for range 10 {
			runtime.KeepAlive(c.AllocEmpty(0, backend.Float32, n))
		}
		pool.Lock()
		defer pool.Unlock()
		return pool.collections, len(pool.entries[poolKey{backend.Float32, n}])
	}
	pool.Lock()
	before := pool.collections
	pool.Unlock()

	// A collection a moment ago, and collections are slow: grow instead.
	collecting.typical.Store(int64(time.Hour))
	collecting.last.Store(time.Now().UnixNano())
	collections, entries := allocate()
	if collections != before {
		t.Fatalf("%d collections right after one, want none", collections-before)
	}
	if entries < 2 {
		t.Fatalf("the pool holds %d slices after 10 allocations without collecting, want more", entries)
	}

	// Collections are cheap: collect, and reuse the dead results' slices.
	collecting.typical.Store(0)
	collections, grown := allocate()
	if collections == before {
		t.Fatalf("no collection with %d dead results in the pool", entries)
	}
	if grown > entries+2 {
		t.Fatalf("the pool grew from %d to %d slices where it could collect", entries, grown)
	}
}

// TestPoolEvictsIdle checks that a dead buffer's slice leaves the pool
// once the pool is idle, with no collection but the pool's own, and that a
// slice in use stays.
func TestPoolEvictsIdle(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	const n, m = poolMinBytes/4 + 91, poolMinBytes/4 + 92
	var c CPU
	runtime.KeepAlive(c.AllocEmpty(0, backend.Float32, n)) // dead at once
	held := c.AllocEmpty(0, backend.Float32, m)
	for deadline := time.Now().Add(5 * time.Second); poolCount(n) > 0; time.Sleep(poolIdleAfter / 10) {
		if time.Now().After(deadline) {
			t.Fatalf("a dead buffer's slice is still in the pool after 5 s")
		}
	}
	if poolCount(m) != 1 {
		t.Fatalf("a slice in use left the pool")
	}
	runtime.KeepAlive(held)
}

// TestPoolKeepsSlicesWhileActive checks that a free slice stays in a pool
// that hands out others, until it has been idle for sliceIdleAfter, even
// when the ops between hand-outs take longer than poolIdleAfter.
func TestPoolKeepsSlicesWhileActive(t *testing.T) {
	const n, m = poolMinBytes/4 + 93, poolMinBytes/4 + 94
	const op = poolIdleAfter * 3 / 2
	var c CPU
	slowOp := func() {
		time.Sleep(op)
		runtime.KeepAlive(c.AllocEmpty(0, backend.Float32, m))
	}
	slowOp()
	slowOp() // the pool has seen how long its ops take
	runtime.KeepAlive(c.AllocEmpty(0, backend.Float32, n))
	runtime.GC()
	start := time.Now()
	for last := start; time.Since(start) < sliceIdleAfter/2; last = time.Now() {
		slowOp()
		if time.Since(last) > 2*op {
			t.Logf("an op took %v instead of %v: the machine is too busy to tell", time.Since(last), op)
			return
		}
		if poolCount(n) != 1 {
			t.Fatalf("a free slice left an active pool after %v", time.Since(start))
		}
	}
}

// poolCount returns the number of float32 slices of length n in the pool.
func poolCount(n int) int {
	pool.Lock()
	defer pool.Unlock()
	return len(pool.entries[poolKey{backend.Float32, n}])
}

// TestPoolTenuresKeptSlices checks that slices held through a collection
// leave a full pool, so that results get slices from it again.
func TestPoolTenuresKeptSlices(t *testing.T) {
	const n = poolMaxBytes / 4 / 2 // two fill the pool
	emptyPool(t)
	defer restoreCollecting()
	var c CPU
	x, y := c.AllocEmpty(0, backend.Float32, n), c.AllocEmpty(0, backend.Float32, n)
	for range 3 {
		runtime.KeepAlive(c.AllocEmpty(0, backend.Float32, n))
	}
	if !x.(*Buffer).entry.gone || !y.(*Buffer).entry.gone {
		t.Fatalf("slices in use through collections still fill the pool")
	}
	pool.Lock()
	defer pool.Unlock()
	if len(pool.entries[poolKey{backend.Float32, n}]) == 0 {
		t.Fatalf("results took slices outside the pool")
	}
	runtime.KeepAlive(x)
	runtime.KeepAlive(y)
}
