package devicerules

import (
	"errors"
	"strings"
	"testing"

	"gonote/tensor"
	"gonote/tensor/backend"
	"gonote/tensor/cpu"
	"gonote/tensor/nn"
	"gonote/tensor/optim"
)

// fakeBuffer is a CPU buffer that says it lives on cuda:0.
type fakeBuffer struct {
	inner *cpu.Buffer
	freed bool
}

func (b *fakeBuffer) Device() backend.Device { return backend.Device{Type: "cuda"} }
func (b *fakeBuffer) DType() backend.DType   { return b.inner.DType() }
func (b *fakeBuffer) Len() int               { return b.inner.Len() }
func (b *fakeBuffer) Free()                  { b.freed = true; allocated -= int64(b.inner.Len()) }

var allocated int64

// fake implements backend.Backend by unwrapping its buffers and calling
// the CPU backend. It holds the CPU backend in a named field, not embedded,
// so that no optional interface of the CPU's leaks through.
type fake struct{ CPU cpu.CPU }

func (fake) DeviceCount() int { return 1 }

func wrap(b backend.Buffer) *fakeBuffer {
	allocated += int64(b.Len())
	return &fakeBuffer{inner: b.(*cpu.Buffer)}
}

func un(v backend.View) backend.View {
	f := v.Buf.(*fakeBuffer)
	if f.freed {
		panic(&tensor.Error{Kind: tensor.RuntimeError, Op: "cuda", Msg: "used after Free"})
	}
	v.Buf = f.inner
	return v
}

func (f fake) Alloc(i int, dt backend.DType, n int) backend.Buffer {
	return wrap(f.CPU.Alloc(i, dt, n))
}
func (f fake) Upload(i int, host any) backend.Buffer { return wrap(f.CPU.Upload(i, host)) }
func (f fake) Download(dst any, src backend.Buffer) {
	f.CPU.Download(dst, un(backend.View{Buf: src}).Buf)
}
func (f fake) Unary(op backend.UnaryOp, d, s backend.View) { f.CPU.Unary(op, un(d), un(s)) }
func (f fake) Binary(op backend.BinaryOp, d, a, b backend.View) {
	f.CPU.Binary(op, un(d), un(a), un(b))
}
func (f fake) Where(d, c, a, b backend.View) { f.CPU.Where(un(d), un(c), un(a), un(b)) }
func (f fake) Copy(d, s backend.View)        { f.CPU.Copy(un(d), un(s)) }
func (f fake) Reduce(op backend.ReduceOp, d, s backend.View, axes []int) {
	f.CPU.Reduce(op, un(d), un(s), axes)
}
func (f fake) ArgReduce(op backend.ReduceOp, v, i, s backend.View, axis int) {
	f.CPU.ArgReduce(op, un(v), un(i), un(s), axis)
}
func (f fake) Scan(op backend.ScanOp, d, s backend.View, axis int) {
	f.CPU.Scan(op, un(d), un(s), axis)
}
func (f fake) Sort(v, i, s backend.View, axis int, desc bool) {
	f.CPU.Sort(un(v), un(i), un(s), axis, desc)
}
func (f fake) Gather(d, s, i backend.View, axis int) (int64, bool) {
	return f.CPU.Gather(un(d), un(s), un(i), axis)
}
func (f fake) Scatter(d, s, i backend.View, axis int, acc bool) (int64, bool) {
	return f.CPU.Scatter(un(d), un(s), un(i), axis, acc)
}
func (f fake) Matmul(d, a, b backend.View) { f.CPU.Matmul(un(d), un(a), un(b)) }
func (f fake) Random(d backend.View, dist backend.Distribution, a, b float64, seed uint64) {
	f.CPU.Random(un(d), dist, a, b, seed)
}

// The memory functions of the cudaMemory optional interface.
func (fake) MemoryStats(int) map[string]int64 {
	return map[string]int64{"allocated_bytes": allocated, "reserved_bytes": allocated + 1, "max_allocated_bytes": allocated + 2}
}

var emptied, synced int

func (fake) EmptyCache()     { emptied++ }
func (fake) Synchronize(int) { synced++ }

func init() { backend.Register("cuda", fake{}) }

// panicText runs fn and returns the *tensor.Error it panics with.
func panicText(t *testing.T, fn func()) *tensor.Error {
	t.Helper()
	err := tensor.Catch(fn)
	var te *tensor.Error
	if !errors.As(err, &te) {
		t.Fatalf("no tensor error: %v", err)
	}
	return te
}

func TestDeviceErrors(t *testing.T) {
	x := tensor.Ones(2, 3).To("cuda")
	h := tensor.Ones(2, 3)
	for _, c := range []struct {
		name string
		fn   func()
		kind tensor.Kind
		msg  string
	}{
		{"add", func() { x.Add(h) }, tensor.RuntimeError, "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!"},
		{"add reversed", func() { h.Mul(x) }, tensor.RuntimeError, "Expected all tensors to be on the same device, but found at least two devices, cpu and cuda:0!"},
		{"matmul", func() { x.Matmul(h.T()) }, tensor.RuntimeError, "Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!"},
		{"float32s", func() { x.Float32s() }, tensor.TypeError, "can't convert cuda:0 device type tensor to a Go slice. Use Tensor.CPU() to copy the tensor to host memory first."},
		{"cuda:1", func() { h.Cuda(1) }, tensor.RuntimeError, "CUDA error: invalid device ordinal"},
	} {
		e := panicText(t, c.fn)
		if e.Kind != c.kind || !strings.HasPrefix(e.Msg, c.msg) {
			t.Errorf("%s: %s: %s, want %s: %s", c.name, e.Kind, e.Msg, c.kind, c.msg)
		}
	}
}

func TestMoveComputePrint(t *testing.T) {
	x := tensor.New([]float32{1, 2, 3, 4}).Reshape(2, 2).Cuda()
	if x.Device().String() != "cuda:0" {
		t.Fatalf("device %v", x.Device())
	}
	if x.Cuda() != x || x.To("cuda:0") != x {
		t.Error("moving to the same device copied")
	}
	// A 0-d CPU tensor combines with a device tensor, as in PyTorch.
	y := x.Mul(tensor.Full(float32(2))).Add(1)
	if got := y.String(); got != "tensor([[3., 5.],\n        [7., 9.]], device='cuda:0')" {
		t.Errorf("String:\n%s", got)
	}
	if got := y.T().CPU().Contiguous().Float32s(); got[1] != 7 {
		t.Errorf("CPU copy %v", got)
	}
	if y.CPU().Device().Type != "cpu" || y.Sum().Item() != 24 {
		t.Error("round trip")
	}
}

func TestAutogradOnDevice(t *testing.T) {
	w := tensor.New([]float32{1, 2, 3}).Cuda().RequiresGrad_(true)
	loss := w.Mul(w).Sum()
	loss.Backward()
	g := w.Grad()
	if g.Device().Type != "cuda" {
		t.Fatalf("gradient on %v", g.Device())
	}
	if got := g.CPU().Float32s(); got[0] != 2 || got[2] != 6 {
		t.Fatalf("grad %v", got)
	}
}

func TestFree(t *testing.T) {
	tensor.Ones(3).Free() // a no-op on the CPU
	x := tensor.Ones(3).Cuda()
	v := x.Reshape(3, 1)
	x.Free()
	x.Free()
	if e := panicText(t, func() { v.Add(v) }); e.Kind != tensor.RuntimeError {
		t.Errorf("use after Free: %v", e)
	}
}

func TestMemoryFunctions(t *testing.T) {
	before := tensor.CudaMemoryAllocated()
	x := tensor.Zeros(100).Cuda()
	if got := tensor.CudaMemoryAllocated(); got != before+100 {
		t.Errorf("allocated %d, want %d", got, before+100)
	}
	if tensor.CudaMemoryReserved(0) != tensor.CudaMemoryAllocated()+1 || tensor.CudaMaxMemoryAllocated() != tensor.CudaMemoryAllocated()+2 {
		t.Error("reserved or max")
	}
	x.Free()
	tensor.CudaEmptyCache()
	tensor.CudaSynchronize()
	if emptied != 1 || synced != 1 {
		t.Errorf("EmptyCache %d, Synchronize %d calls", emptied, synced)
	}
	if !tensor.CudaAvailable() {
		t.Error("CudaAvailable is false with a cuda backend")
	}
}

// TestModelTo: nn.To moves a model's parameters to the device in place; a
// training step then runs there, and a CPU input is refused with PyTorch's
// error.
func TestModelTo(t *testing.T) {
	model := nn.NewSequential(nn.NewLinear(3, 4), nn.ReLU{}, nn.NewLinear(4, 2))
	params := nn.Parameters(model)
	opt := optim.NewSGD(params, optim.SGDOptions{LR: 0.1})
	nn.To(model, "cuda")
	for i, p := range nn.Parameters(model) {
		if p != params[i] || p.Device().String() != "cuda:0" || !p.RequiresGrad() {
			t.Fatalf("parameter %d: same %v, device %v, requires grad %v", i, p == params[i], p.Device(), p.RequiresGrad())
		}
	}
	x := tensor.Randn(5, 3).To("cuda")
	loss := model.Forward(x).Pow(2).Mean()
	loss.Backward()
	opt.Step()
	if g := params[0].Grad(); g == nil || g.Device().String() != "cuda:0" {
		t.Fatalf("gradient %v", g)
	}
	e := panicText(t, func() { model.Forward(tensor.Randn(5, 3)) })
	if !strings.HasPrefix(e.Msg, "Expected all tensors to be on the same device") {
		t.Errorf("CPU input: %s", e.Msg)
	}
	nn.To(model, "cpu")
	if params[0].Device().String() != "cpu" || params[0].Grad().Device().String() != "cpu" {
		t.Errorf("back on the CPU: %v, grad %v", params[0].Device(), params[0].Grad().Device())
	}
}
