package nozero

import (
	"runtime"
	"testing"
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
