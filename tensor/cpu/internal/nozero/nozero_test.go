package nozero

import (
	"runtime"
	"testing"
	"unsafe"
)

// TestSlices checks lengths, that the memory is usable and that it
// survives collections (the allocations are ordinary heap objects).
func TestSlices(t *testing.T) {
	for _, n := range []int{0, 1, 7, 1000, 1 << 20} {
		f := Float32s(n)
		d := Float64s(n)
		i := Int64s(n)
		j := Int32s(n)
		u := Uint8s(n)
		if len(f) != n || len(d) != n || len(i) != n || len(j) != n || len(u) != n {
			t.Fatalf("n=%d: lengths %d %d %d %d %d", n, len(f), len(d), len(i), len(j), len(u))
		}
		for k := range n {
			f[k], d[k], i[k], j[k], u[k] = float32(k), float64(k), int64(k), int32(k), uint8(k)
		}
		runtime.GC()
		for k := range n {
			if f[k] != float32(k) || d[k] != float64(k) || i[k] != int64(k) || j[k] != int32(k) || u[k] != uint8(k) {
				t.Fatalf("n=%d: element %d changed", n, k)
			}
		}
	}
}

// TestCarved checks that slices carved from chunks are aligned, bounded by
// their length and disjoint: each keeps what was written to it through
// later allocations and a collection.
func TestCarved(t *testing.T) {
	var kept [][]uint8
	for i := range 2000 {
		n := carveMin + 1 + i*37%(carveMax-carveMin) // every carved size class of alignment
		if i%5 == 0 {
			n = carveMax + 1 + i // not carved: interleaved
		}
		s := Uint8s(n)
		if len(s) != n || cap(s) != n {
			t.Fatalf("Uint8s(%d): len %d cap %d", n, len(s), cap(s))
		}
		if n <= carveMax && uintptr(unsafe.Pointer(&s[0]))%carveAlign != 0 {
			t.Fatalf("Uint8s(%d) at %p: not aligned to %d bytes", n, &s[0], carveAlign)
		}
		for k := range s {
			s[k] = uint8(i)
		}
		kept = append(kept, s)
	}
	runtime.GC()
	for i, s := range kept {
		for k, v := range s {
			if v != uint8(i) {
				t.Fatalf("slice %d (%d bytes), byte %d: %d, want %d: slices overlap", i, len(s), k, v, uint8(i))
			}
		}
	}
}

// TestCarvedChunksAreCollected checks that chunks whose slices are all
// dead go back to the collector.
func TestCarvedChunksAreCollected(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range (256 << 20) / 4000 {
		Float32s(1000)[0] = 1
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 8<<20 {
		t.Errorf("after 256 MiB of dead carved slices the heap grew by %d bytes", grew)
	}
}
