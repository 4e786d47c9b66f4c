package geom

import (
	"slices"

	"gonote/tensor/backend"
)

// Red mirrors struct Red of reduce.cu.
type Red struct {
	Outputs, R                       int64
	KRank, RRank                     int64
	KShape, KSrc, KDst               [MaxRank]int64
	RShape, RStride                  [MaxRank]int64
	SrcOff, DstOff                   int64
	Src, Dst                         uint64
	Op, Splits, Chunk, Mode, Partial int64
}

// Reduction modes of reduce.cu.
const (
	BlockPerOutput  = 0 // a block's threads share one output's positions
	ThreadPerOutput = 1 // each thread folds one output (column reductions)
)

// ReducePlan is one or two launches of reduce_X. With Second set, First
// writes Outputs*Splits partial results to a contiguous scratch buffer of
// Scratch elements (First.Dst, which the caller sets, as Second.Src), and
// Second folds them into dst.
type ReducePlan struct {
	First   Red
	Second  *Red
	Scratch int64
	// Grid is the launch grid of each launch: (x, y) blocks of Threads.
	Grid, Grid2 [2]int
}

// Reduce plans the reduction of src over axes into dst (src's shape with
// the axes set to 1) on a device with sms multiprocessors. ok is false
// when the kept or the reduced dimensions do not coalesce to MaxRank or
// fewer; the caller then reduces a permuted contiguous copy.
func Reduce(op backend.ReduceOp, dst, src backend.View, axes []int, sms int) (p ReducePlan, ok bool) {
	var ks, rs []int
	var kops [2]Operand
	var rop Operand
	for d, n := range src.Shape {
		if slices.Contains(axes, d) {
			rs = append(rs, n)
			rop.Strides = append(rop.Strides, src.Strides[d])
			continue
		}
		ks = append(ks, n)
		kops[0].Strides = append(kops[0].Strides, src.Strides[d])
		kops[1].Strides = append(kops[1].Strides, dst.Strides[d])
	}
	kshape, kst := Coalesce(ks, kops[:])
	rshape, rst := Coalesce(rs, []Operand{rop})
	if len(kshape) > MaxRank || len(rshape) > MaxRank {
		return p, false
	}
	r := &p.First
	r.Op = int64(op)
	r.Outputs, r.R = 1, 1
	r.KRank, r.RRank = int64(len(kshape)), int64(len(rshape))
	for d, n := range kshape {
		r.KShape[d], r.KSrc[d], r.KDst[d] = int64(n), int64(kst[0][d]), int64(kst[1][d])
		r.Outputs *= int64(n)
	}
	for d, n := range rshape {
		r.RShape[d], r.RStride[d] = int64(n), int64(rst[0][d])
		r.R *= int64(n)
	}
	if numel(ks) == 0 {
		r.Outputs = 0
	}
	if numel(rs) == 0 {
		r.R = 0
	}
	r.SrcOff, r.DstOff = int64(src.Offset), int64(dst.Offset)
	r.Splits, r.Chunk = 1, max(r.R, 1)

	// Column reductions (the kept innermost dimension contiguous, the
	// reduced one not) and short reductions take a thread per output.
	kIn, rIn := r.KSrc[r.KRank-1], r.RStride[r.RRank-1]
	if (abs(kIn) == 1 && abs(rIn) != 1 && r.Outputs > 1) || r.R <= 32 {
		r.Mode = ThreadPerOutput
	}
	par := int64(max(sms, 1) * 4) // blocks that keep the device busy
	var blocks int64
	if r.Mode == ThreadPerOutput {
		blocks = (r.Outputs + Threads - 1) / Threads
	} else {
		blocks = r.Outputs
	}
	// Too few blocks for a long reduction: split it over grid.y.
	if blocks < par && r.R >= 4096 {
		minChunk := int64(2048)
		if r.Mode == ThreadPerOutput {
			minChunk = 256
		}
		s := min((par+blocks-1)/max(blocks, 1), (r.R+minChunk-1)/minChunk, 65535)
		if s > 1 {
			r.Splits = s
			r.Chunk = (r.R + s - 1) / s
		}
	}
	p.Grid = [2]int{gridX(r), int(r.Splits)}
	if r.Splits > 1 {
		r.Partial = 1
		p.Scratch = r.Outputs * r.Splits
		s := Red{Op: int64(op), Outputs: r.Outputs, R: r.Splits, KRank: r.KRank, RRank: 1,
			KShape: r.KShape, KDst: r.KDst, DstOff: r.DstOff, Splits: 1, Chunk: r.Splits}
		// The scratch buffer is [Outputs, Splits], contiguous.
		st := r.Splits
		for d := int(r.KRank) - 1; d >= 0; d-- {
			s.KSrc[d] = st
			st *= r.KShape[d]
		}
		s.RShape[0], s.RStride[0] = r.Splits, 1
		if s.R <= 32 {
			s.Mode = ThreadPerOutput
		}
		p.Second = &s
		p.Grid2 = [2]int{gridX(&s), 1}
	}
	return p, true
}

func gridX(r *Red) int {
	if r.Mode == ThreadPerOutput {
		return int(min(max((r.Outputs+Threads-1)/Threads, 1), 1<<20))
	}
	return int(min(max(r.Outputs, 1), 1<<20))
}

func numel(s []int) int {
	n := 1
	for _, v := range s {
		n *= v
	}
	return n
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
