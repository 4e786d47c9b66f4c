// Package backend is the seam between package tensor and the devices that
// store and compute tensors.
//
// A device implements [Backend]: buffers (allocate, upload from and download
// to host memory) and a small set of primitive operations over strided
// views. Package tensor writes every user-facing operation once, on top of
// these primitives, so a new device gets all of them at once (the same idea
// as tinygrad's low-level ops).
//
// # Views
//
// A [View] is a buffer plus an element offset, a shape and strides in
// elements. Strides may be zero (a broadcast dimension) or negative (a
// reversed dimension). Unless an operation says otherwise, all views passed
// to one call have the same shape, the destination (named dst) never
// overlaps its sources, and no two positions of dst refer to the same
// element. Package tensor checks shapes, dtypes, devices and index ranges
// before it calls a backend; a backend panics only on violations of these
// rules, which are bugs in package tensor.
//
// # Registration
//
// The CPU backend (package tensor/cpu) is always registered under "cpu". A
// GPU backend registers itself under its device type ("cuda") in its init
// function, behind a build tag; package tensor never imports it.
package backend

import (
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
)

// DType is the element type of a buffer.
type DType uint8

// The supported element types. Float32 is the default dtype of tensors.
const (
	Float32 DType = iota // 32-bit IEEE float, stored as []float32
	Float64              // 64-bit IEEE float, stored as []float64
	Int64                // 64-bit signed integer, stored as []int64
	Int32                // 32-bit signed integer, stored as []int32
	Uint8                // 8-bit unsigned integer, stored as []uint8
	Bool                 // boolean, stored as []bool
)

var dtypeNames = [...]string{"float32", "float64", "int64", "int32", "uint8", "bool"}
var dtypeSizes = [...]int{4, 8, 8, 4, 1, 1}

// String returns the dtype's name, as in "float32".
func (d DType) String() string {
	if int(d) < len(dtypeNames) {
		return dtypeNames[d]
	}
	return fmt.Sprintf("DType(%d)", int(d))
}

// Size returns the size of one element in bytes.
func (d DType) Size() int { return dtypeSizes[d] }

// IsFloat reports whether d is a floating-point type.
func (d DType) IsFloat() bool { return d == Float32 || d == Float64 }

// IsInt reports whether d is an integer type (bool is not).
func (d DType) IsInt() bool { return d == Int64 || d == Int32 || d == Uint8 }

// Device identifies one device: a type ("cpu", "cuda") and an index.
// The index of the CPU is always 0.
type Device struct {
	Type  string
	Index int
}

// CPU is the host device.
var CPU = Device{Type: "cpu"}

// String returns the device in PyTorch's notation: "cpu" or "cuda:0".
func (d Device) String() string {
	if d.Type == "cpu" || d.Type == "" {
		return "cpu"
	}
	return fmt.Sprintf("%s:%d", d.Type, d.Index)
}

// A Buffer is a block of device memory holding Len elements of one dtype.
// Buffers are released when they become unreachable; a backend that holds
// memory outside the Go heap attaches a cleanup to its buffers.
type Buffer interface {
	Device() Device
	DType() DType
	Len() int
}

// A View is a strided window on a buffer: element (i0, i1, ...) lives at
// Offset + i0*Strides[0] + i1*Strides[1] + ... A view with an empty Shape
// is a scalar.
type View struct {
	Buf     Buffer
	Offset  int
	Shape   []int
	Strides []int
}

// Numel returns the number of elements the view covers.
func (v View) Numel() int {
	n := 1
	for _, s := range v.Shape {
		n *= s
	}
	return n
}

// ContiguousStrides returns the row-major strides of shape. A dim of size
// 0 counts as 1, as in PyTorch, so that every stride stays positive.
func ContiguousStrides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= max(shape[i], 1)
	}
	return st
}

// UnaryOp names an elementwise operation of one operand.
type UnaryOp uint8

// Unary operations. The operand and the result have the same dtype; the
// floating-point functions (Exp through Sigmoid) are only called on float
// dtypes, Not only on Bool.
const (
	Neg UnaryOp = iota
	Abs
	Exp
	Log
	Sqrt
	Sin
	Cos
	Tanh
	Sigmoid
	Relu
	Floor
	Ceil
	Round // half to even, like PyTorch
	Not
)

// BinaryOp names an elementwise operation of two operands.
type BinaryOp uint8

// Binary operations. Both operands have the same dtype. The comparisons
// (Eq through Ge) write a Bool destination; the others write the operands'
// dtype. And, Or and Xor are only called on Bool operands, Div only on
// floats. Maximum and Minimum propagate NaN.
const (
	Add BinaryOp = iota
	Sub
	Mul
	Div
	Pow
	Maximum
	Minimum
	Eq
	Ne
	Lt
	Le
	Gt
	Ge
	And
	Or
	Xor
)

// IsComparison reports whether op writes a Bool result.
func (op BinaryOp) IsComparison() bool { return op >= Eq && op <= Ge }

// ReduceOp names a reduction.
type ReduceOp uint8

// Reductions. Sum and Prod are called with Float32, Float64 or Int64
// sources and destinations of the same dtype; Max and Min with any dtype
// but Bool (NaN propagates); All and Any with Bool.
const (
	Sum ReduceOp = iota
	Prod
	Max
	Min
	All
	Any
)

// ScanOp names a cumulative operation along one axis.
type ScanOp uint8

// Scans, called with Float32, Float64 or Int64 views of equal dtype.
const (
	CumSum ScanOp = iota
	CumProd
)

// Distribution names what Random draws.
type Distribution uint8

// Distributions for Random.
const (
	Uniform  Distribution = iota // uniform on [a, b)
	Normal                       // normal with mean a and standard deviation b
	Integers                     // uniform integers in [a, b)
)

// Memory allocates buffers and moves data between the host and a device.
type Memory interface {
	// Alloc returns a zeroed buffer of n elements on the device with the
	// given index.
	Alloc(index int, dt DType, n int) Buffer
	// Upload returns a new buffer on the device holding a copy of host,
	// a []float32, []float64, []int64, []int32, []uint8 or []bool.
	Upload(index int, host any) Buffer
	// Download copies all of src into dst, a host slice of src's dtype
	// and length.
	Download(dst any, src Buffer)
	// DeviceCount returns the number of devices of this type.
	DeviceCount() int
}

// Elementwise holds the elementwise primitives. All views have one shape.
type Elementwise interface {
	// Unary sets dst = op(src).
	Unary(op UnaryOp, dst, src View)
	// Binary sets dst = op(a, b).
	Binary(op BinaryOp, dst, a, b View)
	// Where sets dst = cond ? a : b; cond is Bool, a and b have dst's dtype.
	Where(dst, cond, a, b View)
	// Copy sets dst = src, converting the dtype like PyTorch's to() does
	// (floats to integers truncate toward zero through int64; nonzero is true).
	Copy(dst, src View)
}

// Reducer holds the reductions, scans and sorting.
type Reducer interface {
	// Reduce reduces src over axes into dst, whose shape is src's shape with
	// the reduced axes set to 1. Axes are distinct and sorted.
	Reduce(op ReduceOp, dst, src View, axes []int)
	// ArgReduce writes the maximum (Max) or minimum (Min) of src along axis
	// into values and the index of its first occurrence into indices (Int64);
	// both have src's shape with axis set to 1. NaN counts as the extreme.
	ArgReduce(op ReduceOp, values, indices, src View, axis int)
	// Scan writes the running sums or products of src along axis to dst.
	Scan(op ScanOp, dst, src View, axis int)
	// Sort sorts src along axis into values and writes the source positions
	// to indices (Int64). The sort is stable; NaN sorts as the largest value.
	Sort(values, indices, src View, axis int, descending bool)
}

// Indexer holds gathering and scattering by index.
type Indexer interface {
	// Gather sets dst[p] = src[p with its axis coordinate replaced by
	// index[p]] for every position p of dst; index (Int64) has dst's shape
	// and src has dst's rank. If an index is outside [0, src.Shape[axis]),
	// Gather stops and returns that index with ok false.
	Gather(dst, src, index View, axis int) (bad int64, ok bool)
	// Scatter sets dst[p with its axis coordinate replaced by index[p]] =
	// src[p] for every position p of index (Int64), or adds src[p] to it
	// when accumulate is true; src has index's shape, and dst has its rank
	// and dtype. Positions are visited in row-major order, so with
	// repeated indices the last write wins. If an index is outside
	// [0, dst.Shape[axis]), Scatter writes nothing and returns it with ok
	// false.
	Scatter(dst, src, index View, axis int, accumulate bool) (bad int64, ok bool)
}

// Linalg holds the matrix product.
type Linalg interface {
	// Matmul sets dst[i] = a[i] × b[i] for batches of matrices: a is
	// [B, M, K], b is [B, K, N] and dst is a contiguous [B, M, N], all of
	// one dtype (any but Bool). a and b may have any strides, including 0.
	Matmul(dst, a, b View)
}

// Generator holds random fills.
type Generator interface {
	// Random fills the contiguous view dst from dist with parameters a and
	// b. The values depend only on seed, dst's dtype and its size.
	Random(dst View, dist Distribution, a, b float64, seed uint64)
}

// Backend is what a device implements.
type Backend interface {
	Memory
	Elementwise
	Reducer
	Indexer
	Linalg
	Generator
}

// Optional interfaces. A backend may implement these besides Backend;
// package tensor uses them through type assertions and falls back to the
// primitives above when a backend lacks them, so every backend works
// without them.

// An EmptyAllocator allocates buffers without zeroing them, for results
// whose every element an operation writes.
type EmptyAllocator interface {
	// AllocEmpty is Alloc with unspecified contents.
	AllocEmpty(index int, dt DType, n int) Buffer
}

// An InPlacer's Binary also accepts a dst that is exactly its first source
// a (the same buffer, offset, shape and strides), so in-place arithmetic
// such as x.Add_(y) runs without a temporary. The method only marks the
// ability.
type InPlacer interface {
	BinaryInPlace()
}

// Window2d describes the sliding windows of a 2-D convolution or pooling
// over [N, C, H, W]: KH×KW elements spaced by Dilation, moved by Stride,
// over the input padded by Padding on every side with PadValue. The
// windows form an OH×OW grid, OH = (H+2·Padding−Dilation·(KH−1)−1)/Stride+1
// and OW likewise.
type Window2d struct {
	KH, KW, Stride, Padding, Dilation int
	PadValue                          float64
}

// A Windower copies out the windows of 2-D convolution and pooling
// (im2col) and sums them back, so that a convolution is one such call
// and a matrix product.
type Windower interface {
	// Unfold2d sets the contiguous dst [N, C, KH·KW, OH, OW] to the
	// windows of src [N, C, H, W]: dst[n, c, i·KW+j, y, x] = src[n, c,
	// y·Stride+i·Dilation−Padding, x·Stride+j·Dilation−Padding], or
	// PadValue where that lies in the padding. Float32 and Float64 only.
	Unfold2d(dst, src View, w Window2d)
	// Fold2d is Unfold2d's adjoint: it sets the contiguous dst [N, C, H, W]
	// to the sum, over the elements of src [N, C, KH·KW, OH, OW], of those
	// that Unfold2d would have copied from each position. Float32 and
	// Float64 only.
	Fold2d(dst, src View, w Window2d)
}

var (
	mu       sync.Mutex                         // serialises Register
	registry atomic.Pointer[map[string]Backend] // replaced whole on Register
)

// Register makes b the backend of deviceType. It panics if deviceType
// already has a backend; backends register in their init functions.
func Register(deviceType string, b Backend) {
	mu.Lock()
	defer mu.Unlock()
	old := registered()
	if _, dup := old[deviceType]; dup {
		panic("backend: Register called twice for device type " + deviceType)
	}
	m := make(map[string]Backend, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[deviceType] = b
	registry.Store(&m)
}

// registered returns the current registry, which is never modified.
func registered() map[string]Backend {
	if m := registry.Load(); m != nil {
		return *m
	}
	return nil
}

// Lookup returns the backend registered for deviceType. It takes no lock:
// every tensor operation calls it.
func Lookup(deviceType string) (Backend, bool) {
	b, ok := registered()[deviceType]
	return b, ok
}

// Registered returns the registered device types, sorted.
func Registered() []string {
	var names []string
	for k := range registered() {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
