package tensor

import (
	"fmt"
	"math"
	"math/bits"
	"os"
	"strconv"
	"strings"

	"gonote/tensor/backend"
	"gonote/tensor/cpu"
)

// Tensor is an n-dimensional array on a device: a storage buffer, a dtype,
// a shape, strides (in elements) and an offset into the buffer. Views
// (Transpose, Slice, Expand, ...) share the buffer of the tensor they come
// from, so writing through one is seen by the other.
//
// Tensors are used through pointers; the constructors (New, Zeros, ...)
// return ready tensors, and a nil or zero Tensor is not valid.
type Tensor struct {
	buf     backend.Buffer
	dtype   DType
	shape   []int
	strides []int
	offset  int

	// Autograd state (autograd.go).
	requiresGrad bool    // a leaf marked with RequiresGrad_
	grad         *Tensor // accumulated gradient (leaves, RetainGrad)
	gradFn       *node   // the recorded op that produced t; nil for leaves
	accum        *node   // a leaf's AccumulateGrad node, made on first use
	retainsGrad  bool    // RetainGrad was called on this non-leaf
	version      *int64  // in-place write counter, shared by views
	isView       bool    // t shares its storage with the tensor it was derived from
	viewOfLeaf   bool    // t is a view of a leaf that requires grad
}

// Device identifies where a tensor lives: Type "cpu" or "cuda" and an
// index (0 for the CPU). Its String method gives "cpu" or "cuda:0".
type Device = backend.Device

// Shape returns a copy of the tensor's shape. A 0-d tensor (a scalar) has
// an empty shape.
func (t *Tensor) Shape() []int { return append([]int{}, t.shape...) }

// Size returns the size of dimension dim; negative dims count from the end.
// It panics with an IndexError if dim is out of range.
func (t *Tensor) Size(dim int) int {
	if t.Dim() == 0 {
		fail(IndexError, "size", "Dimension specified as %d but tensor has no dimensions", dim)
	}
	return t.shape[t.wrapDim("size", dim)]
}

// Stride returns a copy of the tensor's strides, in elements.
func (t *Tensor) Stride() []int { return append([]int{}, t.strides...) }

// StorageOffset returns the index of the tensor's first element in its buffer.
func (t *Tensor) StorageOffset() int { return t.offset }

// Dim returns the number of dimensions.
func (t *Tensor) Dim() int { return len(t.shape) }

// Numel returns the number of elements.
func (t *Tensor) Numel() int { return numel(t.shape) }

// DType returns the element type.
func (t *Tensor) DType() DType { return t.dtype }

// Device returns the device the tensor's storage lives on.
func (t *Tensor) Device() Device { return t.buf.Device() }

// IsContiguous reports whether the elements lie in row-major order without
// gaps, as PyTorch's is_contiguous does (size-1 dimensions have any stride).
func (t *Tensor) IsContiguous() bool {
	s := 1
	for i := len(t.shape) - 1; i >= 0; i-- {
		if t.shape[i] != 1 && t.strides[i] != s {
			return t.Numel() == 0
		}
		s *= t.shape[i]
	}
	return true
}

// SharesStorage reports whether t and u are views of the same buffer.
func (t *Tensor) SharesStorage(u *Tensor) bool { return t.buf == u.buf }

func numel(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// view returns the backend view of t.
func (t *Tensor) view() backend.View {
	return backend.View{Buf: t.buf, Offset: t.offset, Shape: t.shape, Strides: t.strides}
}

// be returns the backend of t's device.
func (t *Tensor) be() backend.Backend { return backendOf(t.Device()) }

func backendOf(d Device) backend.Backend {
	b, ok := backend.Lookup(d.Type)
	if !ok {
		if d.Type == "cuda" {
			fail(RuntimeError, "to", "%s", noCUDA)
		}
		fail(RuntimeError, "to", "no backend for device type %q", d.Type)
	}
	return b
}

// noCUDA is the message for CUDA use in a build without the CUDA backend.
const noCUDA = "CUDA is not available in this build of gonote: its CUDA backend is " +
	"only compiled in with the cuda build tag. Build with `go build -tags cuda` " +
	"(or `make build-cuda`) on a machine with the CUDA toolkit and an NVIDIA GPU."

// checkShape validates a shape given by the user and returns its number of
// elements.
func checkShape(op string, shape []int) int {
	n := 1
	for _, s := range shape {
		if s < 0 {
			fail(RuntimeError, op, "Trying to create tensor with negative dimension %d: %v", s, shape)
		}
		hi, lo := bits.Mul64(uint64(n), uint64(s))
		if hi != 0 || lo > math.MaxInt64 {
			fail(RuntimeError, op, "numel: integer multiplication overflow for shape %v", shape)
		}
		n = int(lo)
	}
	return n
}

// alloc returns a zeroed buffer of n elements, first checking that the
// memory exists so that a huge request is an error and not an OOM kill.
func alloc(op string, dev Device, dt DType, n int) backend.Buffer {
	checkMemory(op, dev, dt, n)
	return backendOf(dev).Alloc(dev.Index, dt, n)
}

// empty returns a new contiguous tensor (zeroed on the CPU).
func empty(op string, dev Device, dt DType, shape []int) *Tensor {
	n := checkShape(op, shape)
	return newContiguous(alloc(op, dev, dt, n), dt, shape)
}

// uninit is empty for a result whose every element the caller writes: on
// a backend with AllocEmpty its memory is not zeroed first.
func uninit(op string, dev Device, dt DType, shape []int) *Tensor {
	n := checkShape(op, shape)
	b := backendOf(dev)
	ea, ok := b.(backend.EmptyAllocator)
	if !ok {
		return newContiguous(alloc(op, dev, dt, n), dt, shape)
	}
	checkMemory(op, dev, dt, n)
	return newContiguous(ea.AllocEmpty(dev.Index, dt, n), dt, shape)
}

// newContiguous returns a contiguous tensor of shape on buf. Its shape and
// strides share one allocation, capped so that appending to either copies.
func newContiguous(buf backend.Buffer, dt DType, shape []int) *Tensor {
	r := len(shape)
	dims := make([]int, 2*r)
	copy(dims, shape)
	st := dims[r:]
	s := 1
	for i := r - 1; i >= 0; i-- {
		st[i] = s
		s *= max(shape[i], 1)
	}
	return &Tensor{buf: buf, dtype: dt, shape: dims[:r:r], strides: st}
}

// memCheckMin is the allocation size below which memory is not checked.
const memCheckMin = 64 << 20

func checkMemory(op string, dev Device, dt DType, n int) {
	hi, bytes := bits.Mul64(uint64(n), uint64(dt.Size()))
	if hi != 0 || bytes > math.MaxInt64 {
		fail(RuntimeError, op, "not enough memory: tried to allocate more than 8 EiB (%d elements of %s)", n, dt)
	}
	if dev.Type != "cpu" || bytes < memCheckMin {
		return
	}
	avail, ok := availableMemory()
	if ok && bytes > avail {
		fail(RuntimeError, op, "not enough memory: tried to allocate %s (%d bytes) on cpu, but only %s is available",
			formatBytes(bytes), bytes, formatBytes(avail))
	}
}

// availableMemory returns the bytes the process may still allocate: Linux's
// MemAvailable, lowered by a cgroup v2 memory limit when there is one.
func availableMemory() (uint64, bool) {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	var avail uint64
	found := false
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemAvailable:" {
			kb, err := strconv.ParseUint(f[1], 10, 64)
			if err == nil {
				avail, found = kb*1024, true
			}
		}
	}
	if !found {
		return 0, false
	}
	lim, err1 := os.ReadFile("/sys/fs/cgroup/memory.max")
	cur, err2 := os.ReadFile("/sys/fs/cgroup/memory.current")
	if err1 == nil && err2 == nil {
		l, e1 := strconv.ParseUint(strings.TrimSpace(string(lim)), 10, 64)
		c, e2 := strconv.ParseUint(strings.TrimSpace(string(cur)), 10, 64)
		if e1 == nil && e2 == nil && l > c && l-c < avail {
			avail = l - c
		}
	}
	return avail, true
}

// formatBytes writes n in binary units with two decimals, as "7.45 TiB".
func formatBytes(n uint64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	v := float64(n)
	u := 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	if u == 0 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.2f %s", v, units[u])
}

// fromHost wraps a CPU slice as a contiguous tensor of the given shape.
func fromHost(slice any, shape []int) *Tensor {
	b, ok := cpu.Wrap(slice)
	if !ok {
		fail(TypeError, "from_slice", "unsupported slice type %T", slice)
	}
	return &Tensor{buf: b, dtype: b.DType(), shape: append([]int{}, shape...), strides: backend.ContiguousStrides(shape)}
}

// wrapDim turns a possibly negative dim into an index, panicking with
// PyTorch's IndexError when it is out of range.
func (t *Tensor) wrapDim(op string, dim int) int { return wrapDim(op, dim, len(t.shape)) }

func wrapDim(op string, dim, ndim int) int {
	n := max(ndim, 1)
	if dim < -n || dim >= n {
		fail(IndexError, op, "Dimension out of range (expected to be in range of [%d, %d], but got %d)", -n, n-1, dim)
	}
	if dim < 0 {
		dim += n
	}
	return dim
}

// withView returns a tensor on t's buffer with the given geometry.
func (t *Tensor) withView(shape, strides []int, offset int) *Tensor {
	return &Tensor{buf: t.buf, dtype: t.dtype, shape: shape, strides: strides, offset: offset,
		version: t.counter(), isView: true}
}
