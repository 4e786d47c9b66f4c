package geom

import (
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"unsafe"

	"gonote/cuda/kernels"
	"gonote/tensor/backend"
)

// offsets is the kernels' offsets() in Go (common.cuh), including its
// 32-bit division for rank > 1.
func offsets(g *EW, i int64, n int) []int64 {
	o := make([]int64, n)
	for k := 0; k < n; k++ {
		o[k] = g.Off[k]
	}
	if g.Rank == 1 {
		for k := 0; k < n; k++ {
			o[k] += i * g.Stride[k][0]
		}
		return o
	}
	if i > MaxIndex || g.N > MaxIndex {
		panic("position does not fit the kernels' 32-bit division")
	}
	r := uint32(i)
	for d := MaxRank - 1; d >= 0; d-- {
		if int64(d) < g.Rank {
			s := uint32(g.Shape[d])
			c := r % s
			r /= s
			for k := 0; k < n; k++ {
				o[k] += int64(c) * g.Stride[k][d]
			}
		}
	}
	return o
}

// direct returns the offsets of position pos (row-major over shape).
func direct(shape []int, ops []Operand, pos int64) []int64 {
	o := make([]int64, len(ops))
	for k, op := range ops {
		o[k] = OffsetAt(shape, op.Strides, op.Offset, pos)
	}
	return o
}

func randOps(r *rand.Rand, shape []int, n int) []Operand {
	ops := make([]Operand, n)
	for k := range ops {
		st := make([]int, len(shape))
		s := 1
		perm := r.Perm(len(shape))
		for _, d := range perm {
			switch r.IntN(4) {
			case 0:
				st[d] = 0 // broadcast
			case 1:
				st[d] = -s // reversed
			default:
				st[d] = s
			}
			s *= shape[d] + r.IntN(2)
		}
		ops[k] = Operand{Offset: r.IntN(100) + s, Strides: st}
	}
	return ops
}

func TestElementwiseVisitsEveryPosition(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for c := 0; c < 300; c++ {
		rank := r.IntN(11)
		shape := make([]int, rank)
		for d := range shape {
			shape[d] = 1 + r.IntN(4)
		}
		nops := 1 + r.IntN(MaxOps)
		ops := randOps(r, shape, nops)
		n := int64(numel(shape))
		seen := int64(0)
		for _, p := range Elementwise(shape, ops...) {
			if p.G.Rank > MaxRank || p.G.Rank < 1 {
				t.Fatalf("case %d: rank %d", c, p.G.Rank)
			}
			for i := int64(0); i < p.G.N; i++ {
				got := offsets(&p.G, i, nops)
				want := direct(shape, ops, p.First+i)
				if !slices.Equal(got, want) {
					t.Fatalf("case %d shape %v ops %v: position %d: offsets %v, want %v", c, shape, ops, p.First+i, got, want)
				}
			}
			seen += p.G.N
		}
		if seen != n {
			t.Fatalf("case %d: %d positions visited, want %d", c, seen, n)
		}
	}
}

func TestCoalesce(t *testing.T) {
	for i, c := range []struct {
		shape   []int
		ops     []Operand
		want    []int
		strides [][]int
	}{
		{[]int{2, 3, 4}, []Operand{{0, []int{12, 4, 1}}}, []int{24}, [][]int{{1}}},
		{[]int{2, 3, 4}, []Operand{{0, []int{12, 4, 1}}, {0, []int{0, 1, 0}}}, []int{2, 3, 4}, [][]int{{12, 4, 1}, {0, 1, 0}}},
		{[]int{2, 1, 4}, []Operand{{0, []int{4, 99, 1}}}, []int{8}, [][]int{{1}}},
		{[]int{}, []Operand{{5, []int{}}}, []int{1}, [][]int{{0}}},
		{[]int{3, 4}, []Operand{{0, []int{1, 3}}}, []int{3, 4}, [][]int{{1, 3}}}, // transposed
	} {
		s, st := Coalesce(c.shape, c.ops)
		if !slices.Equal(s, c.want) || len(st) != len(c.strides) {
			t.Errorf("%d: shape %v, want %v", i, s, c.want)
			continue
		}
		for k := range st {
			if !slices.Equal(st[k], c.strides[k]) {
				t.Errorf("%d: strides %v, want %v", i, st, c.strides)
			}
		}
	}
}

func TestSplitLarge(t *testing.T) {
	// 3 x 2^31 positions, not contiguous: split into parts of 32-bit size.
	shape := []int{3, 1 << 16, 1 << 15}
	op := Operand{0, []int{1 << 32, 1 << 16, 2}}
	parts := Elementwise(shape, op)
	var total int64
	for _, p := range parts {
		if p.G.Rank > 1 && p.G.N > MaxIndex {
			t.Fatalf("part of %d positions at rank %d", p.G.N, p.G.Rank)
		}
		if got, want := offsets(&p.G, p.G.N-1, 1)[0], direct(shape, []Operand{op}, p.First+p.G.N-1)[0]; got != want {
			t.Fatalf("last offset %d, want %d", got, want)
		}
		total += p.G.N
	}
	if total != 3<<31 {
		t.Fatalf("%d positions, want %d", total, int64(3)<<31)
	}
	// A contiguous one stays one rank-1 part with 64-bit indexing.
	if p := Elementwise([]int{3, 1 << 31}, Operand{0, []int{1 << 31, 1}}); len(p) != 1 || p[0].G.Rank != 1 {
		t.Fatalf("contiguous: %d parts", len(p))
	}
}

func TestLines(t *testing.T) {
	shape := []int{3, 5, 4}
	ops := []Operand{{0, []int{20, 4, 1}}, {7, []int{1, 12, 3}}}
	parts := Lines(shape, 1, ops...)
	if len(parts) != 1 || parts[0].G.N != 12 || parts[0].G.X[0] != 5 || parts[0].G.X[1] != 4 || parts[0].G.X[2] != 12 {
		t.Fatalf("parts %+v", parts)
	}
	g := &parts[0].G
	for l := int64(0); l < 12; l++ {
		o := offsets(g, l, 2)
		i, k := int(l/4), int(l%4)
		if o[0] != int64(i*20+k) || o[1] != int64(7+i+k*3) {
			t.Fatalf("line %d: %v", l, o)
		}
	}
}

// runReduce executes a plan the way reduce_X does, on float64 data.
func runReduce(p ReducePlan, src, dst []float64, fold func(a, v float64) float64, id float64) {
	run := func(r *Red, src, dst []float64) {
		for o := int64(0); o < r.Outputs; o++ {
			so, do := r.SrcOff, r.DstOff
			rem := o
			for k := r.KRank - 1; k >= 0; k-- {
				c := rem % r.KShape[k]
				rem /= r.KShape[k]
				so += c * r.KSrc[k]
				do += c * r.KDst[k]
			}
			for y := int64(0); y < r.Splits; y++ {
				a := id
				for j := y * r.Chunk; j < min((y+1)*r.Chunk, r.R); j++ {
					off := int64(0)
					rem := j
					for k := r.RRank - 1; k >= 0; k-- {
						off += (rem % r.RShape[k]) * r.RStride[k]
						rem /= r.RShape[k]
					}
					a = fold(a, src[so+off])
				}
				if r.Partial != 0 {
					dst[o*r.Splits+y] = a
				} else {
					dst[do] = a
				}
			}
		}
	}
	if p.Second == nil {
		run(&p.First, src, dst)
		return
	}
	scratch := make([]float64, p.Scratch)
	run(&p.First, src, scratch)
	run(p.Second, scratch, dst)
}

func TestReducePlans(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	sum := func(a, v float64) float64 { return a + v }
	for c := 0; c < 200; c++ {
		rank := 1 + r.IntN(4)
		shape := make([]int, rank)
		for d := range shape {
			shape[d] = 1 + r.IntN(6)
		}
		if c%10 == 0 {
			shape[r.IntN(rank)] = 5000 + r.IntN(20000) // long: splits
		}
		var axes []int
		for d := range shape {
			if r.IntN(2) == 0 {
				axes = append(axes, d)
			}
		}
		src := randOps(r, shape, 1)[0]
		for d := range src.Strides {
			if src.Strides[d] == 0 {
				src.Strides[d] = 1
			}
		}
		dshape := slices.Clone(shape)
		for _, a := range axes {
			dshape[a] = 1
		}
		dst := Operand{Strides: contiguous(dshape)}
		size := 1 + src.Offset
		for d, n := range shape {
			size += (n - 1) * abs64(src.Strides[d])
		}
		data := make([]float64, size+1)
		for i := range data {
			data[i] = float64(r.IntN(7))
		}
		// Negative strides start from the far end.
		for d, n := range shape {
			if src.Strides[d] < 0 {
				src.Offset += (n - 1) * -src.Strides[d]
			}
		}
		if src.Offset >= len(data) {
			data = append(data, make([]float64, src.Offset-len(data)+size)...)
		}
		sv := backend.View{Offset: src.Offset, Shape: shape, Strides: src.Strides}
		dv := backend.View{Shape: dshape, Strides: dst.Strides}
		plan, ok := Reduce(backend.Sum, dv, sv, axes, 132)
		if !ok {
			t.Fatalf("case %d: no plan", c)
		}
		got := make([]float64, numel(dshape))
		runReduce(plan, data, got, sum, 0)
		want := make([]float64, numel(dshape))
		for pos := int64(0); pos < int64(numel(shape)); pos++ {
			coords := make([]int, rank)
			rem := pos
			for d := rank - 1; d >= 0; d-- {
				coords[d] = int(rem % int64(shape[d]))
				rem /= int64(shape[d])
			}
			so := src.Offset
			do := 0
			for d := range shape {
				so += coords[d] * src.Strides[d]
				if !slices.Contains(axes, d) {
					do += coords[d] * dst.Strides[d]
				}
			}
			want[do] += data[so]
		}
		if !slices.Equal(got, want) {
			t.Fatalf("case %d shape %v axes %v strides %v: got %v, want %v", c, shape, axes, src.Strides, got[:min(8, len(got))], want[:min(8, len(want))])
		}
	}
}

func abs64(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func contiguous(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

func TestReduceSplitsLongReductions(t *testing.T) {
	n := 8192 * 8192
	p, _ := Reduce(backend.Sum, backend.View{Shape: []int{1}, Strides: []int{1}},
		backend.View{Shape: []int{n}, Strides: []int{1}}, []int{0}, 132)
	if p.Second == nil || p.First.Splits < 132 {
		t.Fatalf("a full sum of %d elements is not split: %+v", n, p.First.Splits)
	}
	// Row sums of a big matrix: a block per row, no split.
	p, _ = Reduce(backend.Sum, backend.View{Shape: []int{8192, 1}, Strides: []int{1, 1}},
		backend.View{Shape: []int{8192, 8192}, Strides: []int{8192, 1}}, []int{1}, 132)
	if p.Second != nil || p.First.Mode != BlockPerOutput {
		t.Fatalf("row sums: %+v", p.First)
	}
	// Column sums: a thread per output.
	p, _ = Reduce(backend.Sum, backend.View{Shape: []int{1, 8192}, Strides: []int{8192, 1}},
		backend.View{Shape: []int{8192, 8192}, Strides: []int{8192, 1}}, []int{0}, 132)
	if p.First.Mode != ThreadPerOutput {
		t.Fatalf("column sums: mode %d", p.First.Mode)
	}
}

// colGemm is a reference column-major GEMM with BLAS's op semantics.
func colGemm(tA, tB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	at := func(x []float64, ld int, t bool, i, j int) float64 {
		if t {
			return x[j+i*ld]
		}
		return x[i+j*ld]
	}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			s := 0.0
			for p := 0; p < k; p++ {
				s += at(a, lda, tA, i, p) * at(b, ldb, tB, p, j)
			}
			c[i+j*ldc] = s
		}
	}
}

func TestGemmArgs(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for c := 0; c < 200; c++ {
		batch, m, k, n := 1+r.IntN(3), 1+r.IntN(5), 1+r.IntN(5), 1+r.IntN(5)
		mk := func(rows, cols int) ([]float64, backend.View) {
			// Row-major, transposed, padded or batch-broadcast layouts.
			pad := r.IntN(3)
			v := backend.View{Shape: []int{batch, rows, cols}}
			switch r.IntN(2) {
			case 0:
				v.Strides = []int{rows * (cols + pad), cols + pad, 1}
			default:
				v.Strides = []int{cols * (rows + pad), 1, rows + pad}
			}
			if r.IntN(4) == 0 {
				v.Strides[0] = 0
			}
			v.Offset = r.IntN(3)
			data := make([]float64, v.Offset+batch*rows*cols*4+20)
			for i := range data {
				data[i] = float64(r.IntN(9) - 4)
			}
			return data, v
		}
		ad, av := mk(m, k)
		bd, bv := mk(k, n)
		dv := backend.View{Shape: []int{batch, m, n}, Strides: []int{m * n, n, 1}}
		g, ok := GemmArgs(dv, av, bv)
		if !ok {
			t.Fatalf("case %d: no gemm for strides %v %v", c, av.Strides, bv.Strides)
		}
		got := make([]float64, batch*m*n)
		for z := 0; z < g.Batch; z++ {
			colGemm(g.TransB, g.TransA, g.M, g.N, g.K,
				bd[g.OffB+int64(z)*g.StrideB:], g.LdB, ad[g.OffA+int64(z)*g.StrideA:], g.LdA,
				got[g.OffC+int64(z)*g.StrideC:], g.LdC)
		}
		for z := 0; z < batch; z++ {
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					s := 0.0
					for p := 0; p < k; p++ {
						s += ad[av.Offset+z*av.Strides[0]+i*av.Strides[1]+p*av.Strides[2]] *
							bd[bv.Offset+z*bv.Strides[0]+p*bv.Strides[1]+j*bv.Strides[2]]
					}
					if w := got[z*m*n+i*n+j]; w != s {
						t.Fatalf("case %d: [%d,%d,%d] = %v, want %v", c, z, i, j, w, s)
					}
				}
			}
		}
	}
	// Expanded rows (stride 0) cannot go to BLAS.
	_, ok := GemmArgs(backend.View{Shape: []int{1, 2, 2}, Strides: []int{4, 2, 1}},
		backend.View{Shape: []int{1, 2, 3}, Strides: []int{0, 0, 1}}, backend.View{Shape: []int{1, 3, 2}, Strides: []int{6, 2, 1}})
	if ok {
		t.Fatal("a broadcast row matrix was accepted")
	}
}

// TestSortNetwork runs the bitonic stages with sort_step's rule and checks
// the result is a stable sort, ascending and descending, NaN last.
func TestSortNetwork(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	nan := func() float64 { var z float64; return z / z }()
	less := func(a, b float64) bool { return a < b || (b != b && a == a) }
	before := func(desc bool, a float64, ai int64, b float64, bi int64) bool {
		if ai < 0 || bi < 0 {
			return bi < 0 && ai >= 0
		}
		lt, gt := less(a, b), less(b, a)
		if desc {
			lt, gt = gt, lt
		}
		if lt {
			return true
		}
		if gt {
			return false
		}
		return ai < bi
	}
	for c := 0; c < 100; c++ {
		n := 1 + r.IntN(40)
		desc := c%2 == 1
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = float64(r.IntN(5))
			if r.IntN(8) == 0 {
				vals[i] = nan
			}
		}
		P := NextPow2(n)
		keys := make([]float64, P)
		pos := make([]int64, P)
		for j := range keys {
			if j < n {
				keys[j], pos[j] = vals[j], int64(j)
			} else {
				pos[j] = -1
			}
		}
		for _, st := range SortStages(P) {
			k, j := st[0], st[1]
			for i := int64(0); i < int64(P); i++ {
				l := i ^ j
				if l <= i {
					continue
				}
				up := i&k == 0
				a, b, ai, bi := keys[i], keys[l], pos[i], pos[l]
				if (up && before(desc, b, bi, a, ai)) || (!up && before(desc, a, ai, b, bi)) {
					keys[i], keys[l], pos[i], pos[l] = b, a, bi, ai
				}
			}
		}
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(x, y int) bool {
			a, b := vals[idx[x]], vals[idx[y]]
			if desc {
				return less(b, a)
			}
			return less(a, b)
		})
		for i := 0; i < n; i++ {
			if pos[i] != int64(idx[i]) {
				t.Fatalf("case %d (desc %v) %v: positions %v, want %v", c, desc, vals, pos[:n], idx)
			}
		}
	}
}

func TestBlocks(t *testing.T) {
	for _, c := range []struct {
		n         int64
		max, want int
	}{{0, 100, 1}, {1, 100, 1}, {256, 100, 1}, {257, 100, 2}, {1 << 30, 4224, 4224}} {
		if got := Blocks(c.n, Threads, c.max); got != c.want {
			t.Errorf("Blocks(%d, %d) = %d, want %d", c.n, c.max, got, c.want)
		}
	}
}

// TestParamSizes checks the Go structs against the parameter sizes in the
// PTX, so that a field added on one side only is caught without a GPU.
func TestParamSizes(t *testing.T) {
	sizes := map[string]uintptr{"EW": unsafe.Sizeof(EW{}), "Red": unsafe.Sizeof(Red{}), "MM": unsafe.Sizeof(MM{})}
	kinds := map[string]string{"reduce_": "Red", "matmul_": "MM"}
	n := 0
	for mod, entries := range kernels.Entries() {
		for name, size := range entries {
			kind := "EW"
			for p, k := range kinds {
				if len(name) >= len(p) && name[:len(p)] == p {
					kind = k
				}
			}
			if uintptr(size) != sizes[kind] {
				t.Errorf("%s.%s takes %d bytes, but geom.%s has %d", mod, name, size, kind, sizes[kind])
			}
			n++
		}
	}
	if n < 100 {
		t.Errorf("only %d kernel entries found in the PTX", n)
	}
}
