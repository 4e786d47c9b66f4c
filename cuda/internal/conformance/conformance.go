// Package conformance checks a tensor/backend implementation against the
// CPU backend on random inputs: every primitive, every dtype, views with
// offsets, transposed (non-contiguous) and broadcast (zero) strides. The
// CUDA backend's GPU tests run it on a GPU; package cuda/internal/emu runs
// it on the kernels emulated on the CPU. The functions are not safe for
// parallel use.
//
// Tolerances: float32 results agree within 1e-5 relative (1e-4 for
// reductions, powers and matmul, whose summation order or libm differ),
// float64 within 1e-12 (1e-10); integers, bools, indices, NaN positions
// and sort orders exactly. Inputs are multiples of 1/64, so most sums are
// exact in any order.
package conformance

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonote/tensor/backend"
	"gonote/tensor/cpu"
)

// Options configures the checks; the zero value runs the small ones.
type Options struct {
	Large bool // add big and long inputs (for real GPUs, not emulators)
}

// Run runs every check of b as subtests of t.
func Run(t *testing.T, b backend.Backend, o Options) {
	for _, c := range []struct {
		name string
		f    func(*testing.T, backend.Backend, Options)
	}{
		{"Unary", Unary}, {"Binary", Binary}, {"Where", Where}, {"Copy", Copy}, {"Reduce", Reduce},
		{"ArgReduceScanSort", ArgReduceScanSort}, {"GatherScatter", GatherScatter}, {"Matmul", Matmul}, {"Random", Random},
	} {
		t.Run(c.name, func(t *testing.T) { c.f(t, b, o) })
	}
}

var (
	cpuB  = cpu.CPU{}
	gpuB  backend.Backend // the backend under test, set by the exported functions
	allDT = []backend.DType{backend.Float32, backend.Float64, backend.Int64, backend.Int32, backend.Uint8, backend.Bool}
	numDT = []backend.DType{backend.Float32, backend.Float64, backend.Int64, backend.Int32, backend.Uint8}
)

// randHost returns n random values of dt: floats in [-3, 3) with some NaN
// and repeated values when special is set, small integers, bools.
func randHost(r *rand.Rand, dt backend.DType, n int, special bool) any {
	f := func() float64 {
		x := math.Round((r.Float64()*6-3)*64) / 64
		if special && r.IntN(16) == 0 {
			return math.NaN()
		}
		return x
	}
	switch dt {
	case backend.Float32:
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(f())
		}
		return s
	case backend.Float64:
		s := make([]float64, n)
		for i := range s {
			s[i] = f()
		}
		return s
	case backend.Int64:
		s := make([]int64, n)
		for i := range s {
			s[i] = int64(r.IntN(11) - 5)
		}
		return s
	case backend.Int32:
		s := make([]int32, n)
		for i := range s {
			s[i] = int32(r.IntN(11) - 5)
		}
		return s
	case backend.Uint8:
		s := make([]uint8, n)
		for i := range s {
			s[i] = uint8(r.IntN(256))
		}
		return s
	}
	s := make([]bool, n)
	for i := range s {
		s[i] = r.IntN(2) == 0
	}
	return s
}

// pair is one view with the same geometry on both backends.
type pair struct{ c, g backend.View }

// upload makes a pair from host data and a geometry.
func upload(host any, offset int, shape, strides []int) pair {
	return pair{
		c: backend.View{Buf: cpuB.Upload(0, host), Offset: offset, Shape: shape, Strides: strides},
		g: backend.View{Buf: gpuB.Upload(0, host), Offset: offset, Shape: shape, Strides: strides},
	}
}

// randView returns a random layout of shape: contiguous, permuted
// (non-contiguous), with broadcast dimensions when bcast is set, and an
// offset; filled with random values of dt.
func randView(r *rand.Rand, dt backend.DType, shape []int, bcast, special bool) pair {
	st := make([]int, len(shape))
	perm := r.Perm(len(shape))
	if r.IntN(3) == 0 {
		slices.Sort(perm) // contiguous
	}
	size := 1
	for i := len(perm) - 1; i >= 0; i-- {
		d := perm[i]
		if bcast && r.IntN(4) == 0 {
			st[d] = 0
			continue
		}
		st[d] = size
		size *= shape[d] + r.IntN(2) // sometimes a gap
	}
	off := r.IntN(3)
	return upload(randHost(r, dt, size+off, special), off, shape, st)
}

// fresh returns a zeroed contiguous pair of shape.
func fresh(dt backend.DType, shape []int) pair {
	n := 1
	for _, s := range shape {
		n *= s
	}
	st := backend.ContiguousStrides(shape)
	return pair{
		c: backend.View{Buf: cpuB.Alloc(0, dt, n), Shape: shape, Strides: st},
		g: backend.View{Buf: gpuB.Alloc(0, dt, n), Shape: shape, Strides: st},
	}
}

func randShape(r *rand.Rand, maxRank, maxDim int) []int {
	s := make([]int, r.IntN(maxRank+1))
	for i := range s {
		s[i] = 1 + r.IntN(maxDim)
	}
	return s
}

// same compares the whole buffers of a pair, with tolerance tol for floats.
func same(t *testing.T, what string, p pair, tol float64) {
	t.Helper()
	want := cpu.MakeSlice(p.c.Buf.DType(), p.c.Buf.Len())
	cpuB.Download(want, p.c.Buf)
	got := cpu.MakeSlice(p.g.Buf.DType(), p.g.Buf.Len())
	gpuB.Download(got, p.g.Buf)
	if i, g, w, ok := compare(got, want, tol); !ok {
		t.Fatalf("%s: element %d is %v on the GPU, %v on the CPU", what, i, g, w)
	}
}

func compare(got, want any, tol float64) (int, any, any, bool) {
	close := func(g, w float64) bool {
		if math.IsNaN(w) || math.IsNaN(g) {
			return math.IsNaN(w) && math.IsNaN(g)
		}
		if math.IsInf(w, 0) || math.IsInf(g, 0) {
			return g == w
		}
		return math.Abs(g-w) <= tol*math.Max(1, math.Abs(w))
	}
	switch w := want.(type) {
	case []float32:
		g := got.([]float32)
		for i := range w {
			if !close(float64(g[i]), float64(w[i])) {
				return i, g[i], w[i], false
			}
		}
	case []float64:
		g := got.([]float64)
		for i := range w {
			if !close(g[i], w[i]) {
				return i, g[i], w[i], false
			}
		}
	case []int64:
		return firstDiff(got.([]int64), w)
	case []int32:
		return firstDiff(got.([]int32), w)
	case []uint8:
		return firstDiff(got.([]uint8), w)
	case []bool:
		return firstDiff(got.([]bool), w)
	}
	return 0, nil, nil, true
}

func firstDiff[T comparable](g, w []T) (int, any, any, bool) {
	for i := range w {
		if g[i] != w[i] {
			return i, g[i], w[i], false
		}
	}
	return 0, nil, nil, true
}

func tolFor(dt backend.DType, loose bool) float64 {
	switch {
	case dt == backend.Float32 && loose:
		return 1e-4
	case dt == backend.Float32:
		return 1e-5
	case dt == backend.Float64 && loose:
		return 1e-10
	case dt == backend.Float64:
		return 1e-12
	}
	return 0
}

// Unary checks Unary for every op and dtype on random views, NaN included.
func Unary(t *testing.T, b backend.Backend, o Options) {
	gpuB = b
	r := rand.New(rand.NewPCG(1, 1))
	for _, dt := range allDT {
		for op := backend.Neg; op <= backend.Not; op++ {
			switch {
			case dt == backend.Bool && op != backend.Not,
				dt != backend.Bool && op == backend.Not,
				dt.IsInt() && op >= backend.Exp && op <= backend.Sigmoid:
				continue
			}
			for c := 0; c < 4; c++ {
				shape := randShape(r, 4, 6)
				src := randView(r, dt, shape, false, true)
				if op == backend.Log || op == backend.Sqrt {
					src = randView(r, dt, shape, false, false) // negative inputs still give NaN on both
				}
				dst := fresh(dt, shape)
				cpuB.Unary(op, dst.c, src.c)
				gpuB.Unary(op, dst.g, src.g)
				same(t, fmt.Sprintf("unary %d on %v %v", op, dt, shape), dst, tolFor(dt, false))
			}
		}
	}
}

// Binary checks Binary for every op and dtype on broadcast and permuted views.
func Binary(t *testing.T, b backend.Backend, o Options) {
	gpuB = b
	r := rand.New(rand.NewPCG(2, 2))
	for _, dt := range allDT {
		for op := backend.Add; op <= backend.Xor; op++ {
			switch {
			case op == backend.Div && !dt.IsFloat(),
				op >= backend.And && dt != backend.Bool,
				op == backend.Pow && dt == backend.Bool,
				op == backend.Sub && dt == backend.Bool:
				continue
			}
			for c := 0; c < 4; c++ {
				shape := randShape(r, 4, 5)
				a := randView(r, dt, shape, true, true)
				b := randView(r, dt, shape, true, true)
				odt := dt
				if op.IsComparison() {
					odt = backend.Bool
				}
				dst := fresh(odt, shape)
				cpuB.Binary(op, dst.c, a.c, b.c)
				gpuB.Binary(op, dst.g, a.g, b.g)
				tol := tolFor(dt, false)
				if op == backend.Pow {
					tol = tolFor(dt, true)
				}
				same(t, fmt.Sprintf("binary %d on %v %v", op, dt, shape), dst, tol)
			}
		}
	}
}

// Where checks Where for every dtype.
func Where(t *testing.T, b backend.Backend, o Options) {
	gpuB = b
	r := rand.New(rand.NewPCG(3, 3))
	for _, dt := range allDT {
		shape := randShape(r, 4, 5)
		cond := randView(r, backend.Bool, shape, true, false)
		a, b := randView(r, dt, shape, true, true), randView(r, dt, shape, true, true)
		dst := fresh(dt, shape)
		cpuB.Where(dst.c, cond.c, a.c, b.c)
		gpuB.Where(dst.g, cond.g, a.g, b.g)
		same(t, "where "+dt.String(), dst, 0)
	}
}

// Copy checks Copy between every pair of dtypes, and a copy of coalesced rank 10.
func Copy(t *testing.T, b backend.Backend, o Options) {
	gpuB = b
	r := rand.New(rand.NewPCG(4, 4))
	for _, dt := range allDT {
		for _, st := range allDT {
			for c := 0; c < 3; c++ {
				shape := randShape(r, 5, 5)
				src := randView(r, st, shape, c == 0, false)
				dst := fresh(dt, shape)
				cpuB.Copy(dst.c, src.c)
				gpuB.Copy(dst.g, src.g)
				same(t, fmt.Sprintf("copy %v <- %v %v", dt, st, shape), dst, tolFor(dt, false))
			}
		}
	}
	// Rank 10 after coalescing is split into several launches.
	shape := []int{2, 2, 2, 2, 2, 2, 2, 2, 2, 3}
	src := randView(r, backend.Float32, shape, false, false)
	dst := fresh(backend.Float32, shape)
	cpuB.Copy(dst.c, src.c)
	gpuB.Copy(dst.g, src.g)
	same(t, "rank-10 copy", dst, 0)
}

// Reduce checks Reduce for every op and dtype over random axes; o.Large adds long and big reductions.
func Reduce(t *testing.T, b backend.Backend, o Options) {
	gpuB = b
	r := rand.New(rand.NewPCG(5, 5))
	ops := map[backend.ReduceOp][]backend.DType{
		backend.Sum: {backend.Float32, backend.Float64, backend.Int64}, backend.Prod: {backend.Float32, backend.Float64, backend.Int64},
		backend.Max: numDT, backend.Min: numDT, backend.All: {backend.Bool}, backend.Any: {backend.Bool},
	}
	shapes := [][]int{{3, 9000}, {9000, 3}}
	if o.Large {
		shapes = [][]int{{70000}, {3, 50000}, {50000, 3}, {4096, 4096}}
	}
	for op, dts := range ops {
		for _, dt := range dts {
			for c := 0; c < 12; c++ {
				shape := randShape(r, 4, 7)
				switch {
				case op == backend.Prod:
					shape = randShape(r, 3, 4) // no overflow in float32
				case c < len(shapes):
					shape = shapes[c]
				}
				src := randView(r, dt, shape, false, op == backend.Max || op == backend.Min)
				var axes []int
				for d := range shape {
					if r.IntN(2) == 0 {
						axes = append(axes, d)
					}
				}
				dshape := slices.Clone(shape)
				for _, a := range axes {
					dshape[a] = 1
				}
				dst := fresh(dt, dshape)
				cpuB.Reduce(op, dst.c, src.c, axes)
				gpuB.Reduce(op, dst.g, src.g, axes)
				tol := tolFor(dt, true)
				if op == backend.Prod {
					tol *= 10
				}
				same(t, fmt.Sprintf("reduce %d on %v %v over %v", op, dt, shape, axes), dst, tol)
			}
		}
	}
}

// ArgReduceScanSort checks ArgReduce, Scan and Sort along random axes, NaN and ties included.
func ArgReduceScanSort(t *testing.T, b backend.Backend, o Options) {
	gpuB = b
	r := rand.New(rand.NewPCG(6, 6))
	for _, dt := range numDT {
		for c := 0; c < 6; c++ {
			shape := randShape(r, 3, 40)
			if len(shape) == 0 {
				shape = []int{5}
			}
			axis := r.IntN(len(shape))
			src := randView(r, dt, shape, false, true)
			rs := slices.Clone(shape)
			rs[axis] = 1
			for _, op := range []backend.ReduceOp{backend.Max, backend.Min} {
				v, i := fresh(dt, rs), fresh(backend.Int64, rs)
				cpuB.ArgReduce(op, v.c, i.c, src.c, axis)
				gpuB.ArgReduce(op, v.g, i.g, src.g, axis)
				same(t, fmt.Sprintf("argreduce %d values %v %v axis %d", op, dt, shape, axis), v, 0)
				same(t, fmt.Sprintf("argreduce %d indices %v %v axis %d", op, dt, shape, axis), i, 0)
			}
			for _, desc := range []bool{false, true} {
				v, i := fresh(dt, shape), fresh(backend.Int64, shape)
				cpuB.Sort(v.c, i.c, src.c, axis, desc)
				gpuB.Sort(v.g, i.g, src.g, axis, desc)
				same(t, fmt.Sprintf("sort values %v %v axis %d desc %v", dt, shape, axis, desc), v, 0)
				same(t, fmt.Sprintf("sort indices %v %v axis %d desc %v", dt, shape, axis, desc), i, 0)
			}
			if dt == backend.Float32 || dt == backend.Float64 || dt == backend.Int64 {
				for _, op := range []backend.ScanOp{backend.CumSum, backend.CumProd} {
					s := randView(r, dt, shape, false, false)
					d := fresh(dt, shape)
					cpuB.Scan(op, d.c, s.c, axis)
					gpuB.Scan(op, d.g, s.g, axis)
					same(t, fmt.Sprintf("scan %d %v %v axis %d", op, dt, shape, axis), d, tolFor(dt, true))
				}
			}
		}
	}
	// Bools sort too, and long lines use many network stages.
	src := randView(r, backend.Bool, []int{3, 1000}, false, false)
	v, i := fresh(backend.Bool, []int{3, 1000}), fresh(backend.Int64, []int{3, 1000})
	cpuB.Sort(v.c, i.c, src.c, 1, true)
	gpuB.Sort(v.g, i.g, src.g, 1, true)
	same(t, "bool sort", v, 0)
	same(t, "bool sort indices", i, 0)
}

func indexPair(r *rand.Rand, shape []int, limit int) pair {
	n := 1
	for _, s := range shape {
		n *= s
	}
	h := make([]int64, n)
	for j := range h {
		h[j] = int64(r.IntN(limit))
	}
	return upload(h, 0, shape, backend.ContiguousStrides(shape))
}

// GatherScatter checks Gather and Scatter (with repeated indices, accumulating or not) and the bad-index reports.
func GatherScatter(t *testing.T, b backend.Backend, o Options) {
	gpuB = b
	r := rand.New(rand.NewPCG(7, 7))
	for _, dt := range allDT {
		for c := 0; c < 4; c++ {
			shape := []int{2 + r.IntN(4), 2 + r.IntN(4), 1 + r.IntN(3)}
			axis := r.IntN(3)
			src := randView(r, dt, shape, false, false)
			ishape := slices.Clone(shape)
			ishape[axis] = 1 + r.IntN(6)
			idx := indexPair(r, ishape, shape[axis])
			dst := fresh(dt, ishape)
			_, okc := cpuB.Gather(dst.c, src.c, idx.c, axis)
			_, okg := gpuB.Gather(dst.g, src.g, idx.g, axis)
			if !okc || !okg {
				t.Fatalf("gather refused valid indices")
			}
			same(t, fmt.Sprintf("gather %v axis %d", dt, axis), dst, 0)

			// Scatter with repeated indices: the last write wins on both.
			for _, acc := range []bool{false, true} {
				out := upload(randHost(r, dt, numel(shape), false), 0, shape, backend.ContiguousStrides(shape))
				vals := randView(r, dt, ishape, false, false)
				cpuB.Scatter(out.c, vals.c, idx.c, axis, acc)
				gpuB.Scatter(out.g, vals.g, idx.g, axis, acc)
				same(t, fmt.Sprintf("scatter %v axis %d accumulate %v", dt, axis, acc), out, tolFor(dt, true))
			}
		}
	}
	// A bad index is reported, and nothing is written.
	src := randView(r, backend.Float32, []int{4, 3}, false, false)
	bad := upload([]int64{0, 1, 7, -1, 2, 3}, 0, []int{2, 3}, []int{3, 1})
	dst := fresh(backend.Float32, []int{2, 3})
	if v, ok := gpuB.Gather(dst.g, src.g, bad.g, 0); ok || v != 7 {
		t.Fatalf("gather of index 7 in 4 rows: %d, %v", v, ok)
	}
	if v, ok := gpuB.Scatter(src.g, dst.g, bad.g, 0, false); ok || v != 7 {
		t.Fatalf("scatter of index 7 in 4 rows: %d, %v", v, ok)
	}
}

// Matmul checks batched Matmul of every numeric dtype on strided and broadcast operands.
func Matmul(t *testing.T, b backend.Backend, o Options) {
	gpuB = b
	r := rand.New(rand.NewPCG(8, 8))
	for _, dt := range numDT {
		for c := 0; c < 6; c++ {
			b, m, k, n := 1+r.IntN(3), 1+r.IntN(70), r.IntN(70), 1+r.IntN(70)
			if c == 0 && o.Large {
				m, k, n = 300, 257, 129
			}
			a := randView(r, dt, []int{b, m, k}, c%3 == 1, false)
			bb := randView(r, dt, []int{b, k, n}, c%3 == 2, false)
			dst := fresh(dt, []int{b, m, n})
			cpuB.Matmul(dst.c, a.c, bb.c)
			gpuB.Matmul(dst.g, a.g, bb.g)
			same(t, fmt.Sprintf("matmul %v [%d,%d,%d]x[%d,%d]", dt, b, m, k, k, n), dst, tolFor(dt, true))
		}
	}
}

// Random checks the moments, ranges and reproducibility of Random (its values are not the CPU's).
func Random(t *testing.T, b backend.Backend, o Options) {
	gpuB = b
	n := 1 << 16
	if o.Large {
		n = 1 << 20
	}
	for _, c := range []struct {
		dt       backend.DType
		dist     backend.Distribution
		a, b     float64
		mean, sd float64
		integral bool
	}{
		{backend.Float32, backend.Uniform, 0, 1, 0.5, math.Sqrt(1.0 / 12), false},
		{backend.Float64, backend.Uniform, -2, 2, 0, math.Sqrt(16.0 / 12), false},
		{backend.Float32, backend.Normal, 1, 2, 1, 2, false},
		{backend.Float64, backend.Normal, 0, 1, 0, 1, false},
		{backend.Int64, backend.Integers, 0, 10, 4.5, math.Sqrt(99.0 / 12), true},
		{backend.Int32, backend.Integers, -5, 5, -0.5, math.Sqrt(99.0 / 12), true},
		{backend.Uint8, backend.Integers, 0, 256, 127.5, math.Sqrt((256*256 - 1) / 12.0), true},
	} {
		d := fresh(c.dt, []int{n})
		gpuB.Random(d.g, c.dist, c.a, c.b, 42)
		h := cpu.MakeSlice(c.dt, n)
		gpuB.Download(h, d.g.Buf)
		vals := toFloats(h)
		var s, s2 float64
		for _, v := range vals {
			s += v
			s2 += v * v
			if c.dist != backend.Normal && (v < c.a || v >= c.b) {
				t.Fatalf("%v %v: value %v outside [%v, %v)", c.dt, c.dist, v, c.a, c.b)
			}
			if c.integral && v != math.Floor(v) {
				t.Fatalf("%v: non-integer %v", c.dt, v)
			}
		}
		mean := s / float64(n)
		sd := math.Sqrt(s2/float64(n) - mean*mean)
		if tol := 40 / math.Sqrt(float64(n)); math.Abs(mean-c.mean) > tol*math.Max(1, c.sd) || math.Abs(sd-c.sd) > tol*c.sd {
			t.Errorf("%v %v: mean %v sd %v, want %v and %v", c.dt, c.dist, mean, sd, c.mean, c.sd)
		}
		// The same seed gives the same values.
		e := fresh(c.dt, []int{n})
		gpuB.Random(e.g, c.dist, c.a, c.b, 42)
		h2 := cpu.MakeSlice(c.dt, n)
		gpuB.Download(h2, e.g.Buf)
		if !slices.Equal(toFloats(h2), vals) {
			t.Errorf("%v %v: a second fill with the seed differs", c.dt, c.dist)
		}
	}
}

func toFloats(h any) []float64 {
	var out []float64
	switch s := h.(type) {
	case []float32:
		for _, v := range s {
			out = append(out, float64(v))
		}
	case []float64:
		out = s
	case []int64:
		for _, v := range s {
			out = append(out, float64(v))
		}
	case []int32:
		for _, v := range s {
			out = append(out, float64(v))
		}
	case []uint8:
		for _, v := range s {
			out = append(out, float64(v))
		}
	}
	return out
}

func numel(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}
