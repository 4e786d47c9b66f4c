// Package geom turns strided tensor views into the parameter structs of
// gonote's CUDA kernels (cuda/kernels/common.cuh and friends) and chooses
// launch geometries. It is plain Go, so its logic is tested without a GPU;
// package cuda fills in the device pointers and launches.
//
// Every struct here has only 8-byte fields, in the order of its C twin, so
// its Go memory layout is the kernel's parameter layout and package cuda
// passes a pointer to it to cuLaunchKernel. The kernels tests compare the
// sizes with the PTX.
package geom

import (
	"fmt"
	"math"

	"gonote/tensor/backend"
)

// MaxRank is the largest coalesced rank one launch handles (MAXR).
const MaxRank = 8

// MaxOps is the number of operands with a geometry (MAXOPS).
const MaxOps = 4

// MaxIndex is the largest position count of a launch of rank > 1: the
// kernels divide in 32 bits.
const MaxIndex = math.MaxInt32

// EW mirrors struct EW: up to MaxOps views of one shape.
type EW struct {
	N, Rank int64
	Shape   [MaxRank]int64
	Stride  [MaxOps][MaxRank]int64
	Off     [MaxOps]int64
	Ptr     [MaxOps]uint64
	Aux     [2]uint64
	Op      int64
	A, B    float64
	X       [8]int64
}

// A Part is one launch of an elementwise plan: its geometry and the
// row-major position of its first element in the whole shape.
type Part struct {
	G     EW
	First int64
}

// Operand is the part of a view a plan needs: an offset and strides.
type Operand struct {
	Offset  int
	Strides []int
}

// Op returns v's offset and strides as an Operand.
func Op(v backend.View) Operand { return Operand{v.Offset, v.Strides} }

// Coalesce drops size-1 dimensions of shape and merges neighbours that are
// contiguous with each other in every operand, as tensor/cpu's loops do.
// Row-major order of the positions is unchanged. A shape without
// dimensions larger than 1 becomes [1] with zero strides.
func Coalesce(shape []int, ops []Operand) ([]int, [][]int) {
	var cs []int
	cst := make([][]int, len(ops))
	for d, sd := range shape {
		if sd == 1 {
			continue
		}
		if m := len(cs); m > 0 {
			ok := true
			for k, o := range ops {
				if cst[k][m-1] != o.Strides[d]*sd {
					ok = false
					break
				}
			}
			if ok {
				cs[m-1] *= sd
				for k, o := range ops {
					cst[k][m-1] = o.Strides[d]
				}
				continue
			}
		}
		cs = append(cs, sd)
		for k, o := range ops {
			cst[k] = append(cst[k], o.Strides[d])
		}
	}
	if len(cs) == 0 {
		cs = []int{1}
		for k := range ops {
			cst[k] = []int{0}
		}
	}
	return cs, cst
}

// Elementwise plans the launches that visit every position of shape in
// the given operands (at most MaxOps). Shapes with no elements give no
// parts. A coalesced rank above MaxRank, or more than MaxIndex positions
// at rank > 1, is split over the leading dimensions into several parts.
func Elementwise(shape []int, ops ...Operand) []Part {
	if len(ops) > MaxOps {
		panic(fmt.Sprintf("geom: %d operands, at most %d", len(ops), MaxOps))
	}
	n := 1
	for _, s := range shape {
		n *= s
	}
	if n == 0 {
		return nil
	}
	cs, cst := Coalesce(shape, ops)
	offs := make([]int, len(ops))
	for k, o := range ops {
		offs[k] = o.Offset
	}
	var parts []Part
	split(cs, cst, offs, 0, &parts)
	return parts
}

func split(shape []int, strides [][]int, offs []int, first int64, parts *[]Part) {
	r := len(shape)
	inner := int64(1)
	for _, s := range shape[1:] {
		inner *= int64(s)
	}
	n := inner * int64(shape[0])
	if r <= MaxRank && (r == 1 || n <= MaxIndex) {
		*parts = append(*parts, Part{G: pack(shape, strides, offs), First: first})
		return
	}
	rest := make([][]int, len(strides))
	for k := range strides {
		rest[k] = strides[k][1:]
	}
	if r > MaxRank || inner > MaxIndex {
		// Peel the leading dimension one index at a time.
		for i := 0; i < shape[0]; i++ {
			o := make([]int, len(offs))
			for k := range offs {
				o[k] = offs[k] + i*strides[k][0]
			}
			split(shape[1:], rest, o, first+int64(i)*inner, parts)
		}
		return
	}
	// Chunks of the leading dimension small enough for 32-bit indexing.
	q := int(max(1, MaxIndex/inner))
	for i := 0; i < shape[0]; i += q {
		sh := append([]int{min(q, shape[0]-i)}, shape[1:]...)
		o := make([]int, len(offs))
		for k := range offs {
			o[k] = offs[k] + i*strides[k][0]
		}
		*parts = append(*parts, Part{G: pack(sh, strides, o), First: first + int64(i)*inner})
	}
}

func pack(shape []int, strides [][]int, offs []int) EW {
	var g EW
	g.N = 1
	g.Rank = int64(len(shape))
	for d, s := range shape {
		g.Shape[d] = int64(s)
		g.N *= int64(s)
	}
	for k := range strides {
		for d, st := range strides[k] {
			g.Stride[k][d] = int64(st)
		}
		g.Off[k] = int64(offs[k])
	}
	return g
}

// Lines plans a launch over every line of the given operands along axis
// (each operand of shape shape): the positions are those of shape with
// axis removed, X[0] is the line length and X[1+k] operand k's stride along
// the axis (at most 3 operands).
func Lines(shape []int, axis int, ops ...Operand) []Part {
	if len(ops) > 3 {
		panic("geom: Lines takes at most 3 operands")
	}
	rest := append(append([]int{}, shape[:axis]...), shape[axis+1:]...)
	rops := make([]Operand, len(ops))
	for k, o := range ops {
		rops[k] = Operand{o.Offset, append(append([]int{}, o.Strides[:axis]...), o.Strides[axis+1:]...)}
	}
	if shape[axis] == 0 {
		return nil
	}
	parts := Elementwise(rest, rops...)
	for i := range parts {
		parts[i].G.X[0] = int64(shape[axis])
		for k, o := range ops {
			parts[i].G.X[1+k] = int64(o.Strides[axis])
		}
	}
	return parts
}

// Threads is the block size of the elementwise kernels.
const Threads = 256

// Blocks returns the number of blocks for n positions handled by
// grid-stride loops: enough to cover n, at most maxBlocks (a multiple of
// the device's multiprocessors), at least 1.
func Blocks(n int64, threads, maxBlocks int) int {
	b := (n + int64(threads) - 1) / int64(threads)
	if b > int64(maxBlocks) {
		b = int64(maxBlocks)
	}
	return int(max(b, 1))
}

// OffsetAt returns the element offset of row-major position pos of a view
// with the given shape, strides and offset.
func OffsetAt(shape, strides []int, offset int, pos int64) int64 {
	off := int64(offset)
	for d := len(shape) - 1; d >= 0; d-- {
		s := int64(shape[d])
		off += (pos % s) * int64(strides[d])
		pos /= s
	}
	return off
}

// NextPow2 returns the smallest power of two >= n (1 for n <= 1).
func NextPow2(n int) int {
	p := 1
	for p < n {
		p <<= 1
	}
	return p
}

// SortStages returns the (k, j) stages of a bitonic network over p
// elements, p a power of two, in order.
func SortStages(p int) [][2]int64 {
	var st [][2]int64
	for k := 2; k <= p; k <<= 1 {
		for j := k >> 1; j > 0; j >>= 1 {
			st = append(st, [2]int64{int64(k), int64(j)})
		}
	}
	return st
}
