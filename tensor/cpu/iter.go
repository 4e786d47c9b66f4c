package cpu

import (
	"runtime"

	"gonote/tensor/backend"
)

// parThreshold is the number of elements above which a loop is split across
// goroutines, one per available CPU.
const parThreshold = 1 << 15

// maxOps is the largest number of operands one loop walks together.
const maxOps = 4

// A loop walks several views of one shape together, row by row. Its shape
// is coalesced: size-1 dimensions are dropped and neighbouring dimensions
// that are contiguous with each other in every operand are merged, so a
// contiguous tensor becomes a single row.
type loop struct {
	shape   []int
	strides [maxOps][]int
	offs    [maxOps]int
	n       int // number of operands
	numel   int
	cost    int // work per element, for choosing the number of workers

	// Backing arrays for shape and strides at small ranks, so that a loop
	// costs one allocation.
	shapeBuf [inlineRank]int
	strBuf   [maxOps][inlineRank]int
}

// inlineRank is the largest coalesced rank whose shape and strides are
// stored in the loop itself.
const inlineRank = 6

func newLoop(shape []int, views ...backend.View) *loop {
	l := &loop{n: len(views), numel: 1, cost: 1}
	for _, s := range shape {
		l.numel *= s
	}
	for k, v := range views {
		l.offs[k] = v.Offset
	}
	// Drop size-1 dimensions, then merge.
	cshape := l.shapeBuf[:0]
	var cstr [maxOps][]int
	for k := range views {
		cstr[k] = l.strBuf[k][:0]
	}
	for d, sd := range shape {
		if sd == 1 {
			continue
		}
		if m := len(cshape); m > 0 {
			mergeable := true
			for k, v := range views {
				if cstr[k][m-1] != v.Strides[d]*sd {
					mergeable = false
					break
				}
			}
			if mergeable {
				cshape[m-1] *= sd
				for k, v := range views {
					cstr[k][m-1] = v.Strides[d]
				}
				continue
			}
		}
		cshape = append(cshape, sd)
		for k, v := range views {
			cstr[k] = append(cstr[k], v.Strides[d])
		}
	}
	if len(cshape) == 0 {
		cshape = append(cshape, 1)
		for k := range views {
			cstr[k] = append(cstr[k], 0)
		}
	}
	l.shape = cshape
	l.strides = cstr
	return l
}

// rowFunc processes one row: n elements starting at offsets o, with inner
// strides s (per operand).
type rowFunc func(o [maxOps]int, n int, s [maxOps]int)

func workers(numel int) int {
	if numel < parThreshold {
		return 1
	}
	w := runtime.GOMAXPROCS(0)
	if m := numel / (parThreshold / 2); m < w {
		w = m
	}
	if w < 1 {
		w = 1
	}
	return w
}

// run calls body for every row, in parallel for large loops. body must only
// write positions of its own row.
func (l *loop) run(body rowFunc) {
	if l.numel == 0 {
		return
	}
	d := len(l.shape)
	inner := l.shape[d-1]
	rows := l.numel / inner
	var st [maxOps]int
	for k := 0; k < l.n; k++ {
		st[k] = l.strides[k][d-1]
	}
	w := workers(l.numel * l.cost)
	if w == 1 {
		l.rows(0, rows, body)
		return
	}
	if rows < w {
		// Split the rows themselves.
		l.rows(0, rows, func(o [maxOps]int, n int, s [maxOps]int) {
			parallel(n, w, func(lo, hi int) {
				var oo [maxOps]int
				for k := 0; k < l.n; k++ {
					oo[k] = o[k] + lo*s[k]
				}
				body(oo, hi-lo, s)
			})
		})
		return
	}
	parallel(rows, w, func(lo, hi int) { l.rows(lo, hi, body) })
}

// rows calls body for rows r0 to r1-1, in order.
func (l *loop) rows(r0, r1 int, body rowFunc) {
	d := len(l.shape)
	inner := l.shape[d-1]
	var st [maxOps]int
	for k := 0; k < l.n; k++ {
		st[k] = l.strides[k][d-1]
	}
	var idxBuf [inlineRank]int
	idx := idxBuf[:0]
	if d-1 <= inlineRank {
		idx = idxBuf[:d-1]
	} else {
		idx = make([]int, d-1)
	}
	var o [maxOps]int
	o = l.offs
	rem := r0
	for j := d - 2; j >= 0; j-- {
		idx[j] = rem % l.shape[j]
		rem /= l.shape[j]
		for k := 0; k < l.n; k++ {
			o[k] += idx[j] * l.strides[k][j]
		}
	}
	for r := r0; r < r1; r++ {
		body(o, inner, st)
		for j := d - 2; j >= 0; j-- {
			idx[j]++
			for k := 0; k < l.n; k++ {
				o[k] += l.strides[k][j]
			}
			if idx[j] < l.shape[j] {
				break
			}
			for k := 0; k < l.n; k++ {
				o[k] -= l.shape[j] * l.strides[k][j]
			}
			idx[j] = 0
		}
	}
}

// cols calls body for every row like seq, but when the loop is large and
// its innermost dimension writes distinct positions of operand 0 (nonzero
// stride), it splits that dimension across workers, each of which walks all
// rows. Operand 0 may then be an accumulator broadcast over outer
// dimensions.
func (l *loop) cols(body rowFunc) {
	if l.numel == 0 {
		return
	}
	d := len(l.shape)
	inner := l.shape[d-1]
	w := workers(l.numel)
	if w > inner/16 {
		w = inner / 16
	}
	if w <= 1 || l.strides[0][d-1] == 0 {
		l.seq(body)
		return
	}
	parallel(inner, w, func(lo, hi int) {
		l.rows(0, l.numel/inner, func(o [maxOps]int, n int, s [maxOps]int) {
			for k := 0; k < l.n; k++ {
				o[k] += lo * s[k]
			}
			body(o, hi-lo, s)
		})
	})
}

// seq calls body for every row, in order, on the calling goroutine.
func (l *loop) seq(body rowFunc) {
	if l.numel == 0 {
		return
	}
	l.rows(0, l.numel/l.shape[len(l.shape)-1], body)
}

// parallel splits [0, n) into contiguous chunks and runs f on each, on w
// goroutines (the caller's among them) when w > 1. There are more chunks
// than goroutines (see [runChunks]).
func parallel(n, w int, f func(lo, hi int)) {
	if w <= 1 || n < 2 {
		f(0, n)
		return
	}
	w = min(w, n)
	chunks := min(n, 4*w)
	runChunks(chunks, w, func(c int) { f(n*c/chunks, n*(c+1)/chunks) })
}

// parts splits [0, n) into w parts and runs f on each, with the part's
// number, in parallel.
func parts(n, w int, f func(part, lo, hi int)) {
	if w <= 1 || n < 2 {
		f(0, 0, n)
		return
	}
	w = min(w, n)
	runChunks(w, w, func(c int) { f(c, n*c/w, n*(c+1)/w) })
}
