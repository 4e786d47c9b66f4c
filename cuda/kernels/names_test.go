package kernels

import (
	"testing"

	"gonote/tensor/backend"
)

// TestEntriesExist checks that the PTX defines every kernel package cuda
// can launch, for the dtypes tensor/backend calls each primitive with.
func TestEntriesExist(t *testing.T) {
	all := []backend.DType{backend.Float32, backend.Float64, backend.Int64, backend.Int32, backend.Uint8, backend.Bool}
	nums := all[:5]
	want := []string{CheckIndex, ScatterWin}
	for _, dt := range all {
		want = append(want, Unary(dt), Where(dt), Reduce(dt), Gather(dt), Scatter(dt, false), Scatter(dt, true), Random(dt))
		for op := backend.Add; op <= backend.Xor; op++ {
			want = append(want, Binary(op, dt))
		}
		for _, src := range all {
			want = append(want, Cast(dt, src))
		}
		l, s, st := Sort(dt)
		want = append(want, l, s, st)
	}
	for _, dt := range nums {
		want = append(want, ArgReduce(dt), Matmul(dt))
	}
	for _, dt := range []backend.DType{backend.Float32, backend.Float64, backend.Int64} {
		want = append(want, Scan(dt))
	}
	defined := map[string]bool{}
	for _, es := range Entries() {
		for e := range es {
			defined[e] = true
		}
	}
	for _, name := range want {
		if !defined[name] {
			t.Errorf("the PTX has no kernel %s", name)
		}
	}
	if Module(Unary(backend.Float32)) != "elementwise" || Module("nope") != "" {
		t.Error("Module")
	}
}
