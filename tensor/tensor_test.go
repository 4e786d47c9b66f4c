package tensor

import (
	"bufio"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// panicsWith runs fn and returns the *Error it panicked with, failing the
// test if it did not panic with one.
func panicsWith(t *testing.T, fn func()) *Error {
	t.Helper()
	err := Catch(fn)
	if err == nil {
		t.Fatalf("no panic")
	}
	return err.(*Error)
}

func TestViewsShareStorage(t *testing.T) {
	cases := []struct {
		name string
		view func(x *Tensor) *Tensor
	}{
		{"View", func(x *Tensor) *Tensor { return x.View(3, 4) }},
		{"Reshape", func(x *Tensor) *Tensor { return x.Reshape(-1) }},
		{"Transpose", func(x *Tensor) *Tensor { return x.Transpose(0, 1) }},
		{"T", func(x *Tensor) *Tensor { return x.T() }},
		{"Permute", func(x *Tensor) *Tensor { return x.Permute(1, 0) }},
		{"Slice", func(x *Tensor) *Tensor { return x.Slice(1, 1, 4, 2) }},
		{"Narrow", func(x *Tensor) *Tensor { return x.Narrow(0, 1, 2) }},
		{"Select", func(x *Tensor) *Tensor { return x.Select(1, 2) }},
		{"Index", func(x *Tensor) *Tensor { return x.Index(1) }},
		{"I", func(x *Tensor) *Tensor { return x.I("::-1, 1:3") }},
		{"Unsqueeze", func(x *Tensor) *Tensor { return x.Unsqueeze(0) }},
		{"Squeeze", func(x *Tensor) *Tensor { return x.Unsqueeze(1).Squeeze() }},
		{"Flatten", func(x *Tensor) *Tensor { return x.Flatten() }},
		{"Expand", func(x *Tensor) *Tensor { return x.Unsqueeze(0).Expand(2, -1, -1) }},
		{"Split", func(x *Tensor) *Tensor { return x.Split(2, 1)[1] }},
		{"Chunk", func(x *Tensor) *Tensor { return x.Chunk(2, 0)[0] }},
		{"Contiguous", func(x *Tensor) *Tensor { return x.Contiguous() }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x := Arange(float32(12)).Reshape(3, 4)
			v := c.view(x)
			if !v.SharesStorage(x) {
				t.Fatalf("%s does not share storage", c.name)
			}
			x.Fill_(-1)
			if !v.Eq(-1).All().Bools()[0] {
				t.Errorf("writing the base tensor not seen through %s", c.name)
			}
		})
	}
	// Copies do not share.
	x := Arange(float32(6)).Reshape(2, 3)
	for name, c := range map[string]*Tensor{"Clone": x.Clone(), "Reshape of transpose": x.T().Reshape(-1), "IndexSelect": x.IndexSelect(0, New([]int64{0}))} {
		if c.SharesStorage(x) {
			t.Errorf("%s shares storage", name)
		}
	}
}

func TestFromSliceAndAccessorsShare(t *testing.T) {
	s := []float32{1, 2, 3, 4, 5, 6}
	x := FromSlice(s, 2, -1)
	if !slices.Equal(x.Shape(), []int{2, 3}) {
		t.Fatalf("shape %v", x.Shape())
	}
	s[0] = 10
	if x.Get(0, 0) != 10 {
		t.Errorf("FromSlice copied: %v", x)
	}
	x.Set(20, 1, 2)
	if s[5] != 20 {
		t.Errorf("Set not seen in the slice")
	}
	f := x.Float32s()
	f[1] = 30
	if x.Get(0, 1) != 30 {
		t.Errorf("Float32s is not shared")
	}
	// A contiguous view has its own window of the slice.
	row := x.Select(0, 1)
	if got := row.Float32s(); !slices.Equal(got, []float32{4, 5, 20}) {
		t.Errorf("row Float32s = %v", got)
	}
	// New copies.
	src := []int64{1, 2}
	n := New(src)
	src[0] = 9
	if n.Get(0) != 1 {
		t.Errorf("New shares its input")
	}
	accessors := []struct {
		name string
		fn   func()
		msg  string
	}{
		{"wrong dtype", func() { x.Float64s() }, "float64s(): the tensor has dtype float32, not float64; convert it first with To(tensor.Float64)"},
		{"not contiguous", func() { x.T().Float32s() }, "float32s(): the tensor is not contiguous, so its elements are not one Go slice; call Contiguous() first"},
		{"bad type", func() { FromSlice([]string{"a"}) }, "from_slice(): expected a []float32, []float64, []int64, []int32, []uint8 or []bool, but got []string"},
		{"bad shape", func() { FromSlice(s, 4, 2) }, "shape '[4, 2]' is invalid for input of size 6"},
	}
	for _, c := range accessors {
		if e := panicsWith(t, c.fn); e.Msg != c.msg {
			t.Errorf("%s: got %q, want %q", c.name, e.Msg, c.msg)
		}
	}
}

func TestDense(t *testing.T) {
	m := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	x := FromDense(m)
	m.Set(1, 2, 60)
	if x.Get(1, 2) != 60 {
		t.Errorf("FromDense does not share")
	}
	sub := m.Slice(0, 2, 1, 3).(*mat.Dense)
	xs := FromDense(sub)
	if xs.Get(1, 1) != 60 || !slices.Equal(xs.Stride(), []int{3, 1}) {
		t.Errorf("FromDense of a slice: %v strides %v", xs, xs.Stride())
	}
	d := x.Dense()
	d.Set(0, 0, -1)
	if x.Get(0, 0) != -1 {
		t.Errorf("Dense of a Float64 tensor does not share")
	}
	c := Arange(float32(6)).Reshape(2, 3).T().Dense()
	if r, cc := c.Dims(); r != 3 || cc != 2 || c.At(2, 1) != 5 {
		t.Errorf("Dense of a transposed float32 tensor: %v", mat.Formatted(c))
	}
}

func TestNewAndCreation(t *testing.T) {
	cases := []struct {
		name  string
		x     *Tensor
		dtype DType
		shape []int
		str   string
	}{
		{"nested float64", New([][]float64{{1, 2}, {3, 4}}), Float64, []int{2, 2}, "tensor([[1., 2.],\n        [3., 4.]], dtype=float64)"},
		{"int", New([]int{1, 2}), Int64, []int{2}, "tensor([1, 2])"},
		{"scalar", New(2.5), Float64, nil, "tensor(2.5000, dtype=float64)"},
		{"bool", New([][]bool{{true}}), Bool, []int{1, 1}, "tensor([[True]])"},
		{"empty nested", New([][]float32{}), Float32, []int{0}, "tensor([])"},
		{"Zeros", Zeros(2, 3), Float32, []int{2, 3}, "tensor([[0., 0., 0.],\n        [0., 0., 0.]])"},
		{"Ones", Ones(2), Float32, []int{2}, "tensor([1., 1.])"},
		{"Full int", Full(7, 2), Int64, []int{2}, "tensor([7, 7])"},
		{"Full bool", Full(true, 1), Bool, []int{1}, "tensor([True])"},
		{"Eye", Eye(2, 3), Float32, []int{2, 3}, "tensor([[1., 0., 0.],\n        [0., 1., 0.]])"},
		{"Arange int", Arange(1, 7, 2), Int64, []int{3}, "tensor([1, 3, 5])"},
		{"Arange float", Arange(0, 1, 0.3), Float32, []int{4}, "tensor([0.0000, 0.3000, 0.6000, 0.9000])"},
		{"Arange down", Arange(3, 0, -1), Int64, []int{3}, "tensor([3, 2, 1])"},
		{"ZerosLike", ZerosLike(New([]int32{1, 2})), Int32, []int{2}, "tensor([0, 0], dtype=int32)"},
		{"OnesLike", OnesLike(New([]uint8{1, 2})), Uint8, []int{2}, "tensor([1, 1], dtype=uint8)"},
		{"FullLike", FullLike(Zeros(2), 2.5), Float32, []int{2}, "tensor([2.5000, 2.5000])"},
		{"Empty", Empty(0, 2), Float32, []int{0, 2}, "tensor([], size=(0, 2))"},
	}
	for _, c := range cases {
		if c.x.DType() != c.dtype || !slices.Equal(c.x.Shape(), c.shape) && len(c.shape)+len(c.x.Shape()) > 0 {
			t.Errorf("%s: got %v %v, want %v %v", c.name, c.x.DType(), c.x.Shape(), c.dtype, c.shape)
		}
		if s := c.x.String(); s != c.str {
			t.Errorf("%s: got\n%s\nwant\n%s", c.name, s, c.str)
		}
	}
}

func TestLinspaceBitExact(t *testing.T) {
	f, err := os.Open("testdata/linspace_torch.txt") // torch.linspace(a, b, n) bits, PyTorch 1.13
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		a, _ := strconv.ParseFloat(fs[0], 64)
		b, _ := strconv.ParseFloat(fs[1], 64)
		n, _ := strconv.Atoi(fs[2])
		got := Linspace(a, b, n).Float32s()
		for i, w := range fs[3:] {
			u, _ := strconv.ParseUint(w, 10, 32)
			if math.Float32bits(got[i]) != uint32(u) {
				t.Errorf("Linspace(%v, %v, %d)[%d] = %v, want %v", a, b, n, i, got[i], math.Float32frombits(uint32(u)))
			}
		}
	}
}

func TestRandom(t *testing.T) {
	ManualSeed(42)
	a := Rand(1000)
	b := Randn(3, 4)
	ManualSeed(42)
	if !a.Eq(Rand(1000)).All().Bools()[0] || !b.Eq(Randn(3, 4)).All().Bools()[0] {
		t.Errorf("ManualSeed does not reproduce")
	}
	if a.Min().Item() < 0 || a.Max().Item() >= 1 {
		t.Errorf("Rand outside [0, 1)")
	}
	n := Randn(200000)
	if m, s := n.Mean().Item(), n.Std().Item(); math.Abs(m) > 0.01 || math.Abs(s-1) > 0.01 {
		t.Errorf("Randn mean %v std %v", m, s)
	}
	r := RandInt(-2, 3, 10000)
	if r.DType() != Int64 || r.Min().Item() != -2 || r.Max().Item() != 2 {
		t.Errorf("RandInt range %v..%v", r.Min(), r.Max())
	}
	if RandnLike(Zeros(2).To(Float64)).DType() != Float64 {
		t.Errorf("RandnLike dtype")
	}
}

// TestRandIntLike checks torch.randint_like's dtypes, ranges, bounds
// errors and precision warning.
func TestRandIntLike(t *testing.T) {
	for _, c := range []struct {
		like      *Tensor
		low, high int
	}{
		{Zeros(500, 2), -3, 4},
		{Zeros(1000).To(Uint8), 250, 256},
		{Zeros(1000).To(Bool), 0, 2},
		{Zeros(1000).To(Int32), math.MinInt32, math.MinInt32 + 3},
		{Zeros(1000).To(Float64), 7, 9},
	} {
		r := RandIntLike(c.like, c.low, c.high)
		if r.DType() != c.like.DType() || !slices.Equal(r.Shape(), c.like.Shape()) {
			t.Errorf("RandIntLike(%v %v) is %v %v", c.like.DType(), c.like.Shape(), r.DType(), r.Shape())
			continue
		}
		lo, hi := r.To(Float64).Min().Item(), r.To(Float64).Max().Item()
		if lo != float64(c.low) || hi != float64(c.high-1) {
			t.Errorf("RandIntLike(%v, %d, %d) spans %v..%v", c.like.DType(), c.low, c.high, lo, hi)
		}
	}
	for _, c := range []struct {
		like      *Tensor
		low, high int
		msg       string
	}{
		{Zeros(2).To(Uint8), 5, 5, "random_ expects 'from' to be less than 'to', but got from=5 >= to=5"},
		{Zeros(2).To(Uint8), 0, 300, "to - 1 is out of bounds for unsigned char"},
		{Zeros(2).To(Uint8), -1, 3, "from is out of bounds for unsigned char"},
		{Zeros(2).To(Bool), 0, 3, "to - 1 is out of bounds for bool"},
		{Zeros(2).To(Int32), math.MinInt32 - 1, 0, "from is out of bounds for int"},
	} {
		e := panicsWith(t, func() { RandIntLike(c.like, c.low, c.high) })
		if e == nil || e.Kind != RuntimeError || e.Msg != c.msg {
			t.Errorf("RandIntLike(%v, %d, %d): %v, want %q", c.like.DType(), c.low, c.high, e, c.msg)
		}
	}
	var warnings []string
	SetWarningHandler(func(msg string) { warnings = append(warnings, msg) })
	defer SetWarningHandler(nil)
	RandIntLike(Zeros(2), 0, 1<<24+1)
	RandIntLike(Zeros(2), 0, 1<<24+2)
	want := "UserWarning: to - 1 is out of bounds [-(2^24), 2^24]. Due to precision limitations float can support discrete uniform distribution only within this range. This warning will become an error in version 1.7 release, please fix the code in advance"
	if len(warnings) != 1 || warnings[0] != want {
		t.Errorf("warnings %q, want one: %q", warnings, want)
	}
}

func TestNegativeStepIndex(t *testing.T) {
	x := Arange(10)
	cases := []struct {
		spec string
		want []int64
	}{
		{"::-1", []int64{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}},
		{"::-3", []int64{9, 6, 3, 0}},
		{"8:2:-3", []int64{8, 5}},
		{"-1:-4:-1", []int64{9, 8, 7}},
		{"2:8:-1", []int64{}},
		{"100:-100:-4", []int64{9, 5, 1}},
		{"-100:100:4", []int64{0, 4, 8}},
		{"...", []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
	}
	for _, c := range cases {
		v := x.I(c.spec)
		got := v.Contiguous().Int64s()
		if !slices.Equal(got, c.want) {
			t.Errorf("I(%q) = %v, want %v (NumPy)", c.spec, got, c.want)
		}
		if len(c.want) > 0 && !v.SharesStorage(x) {
			t.Errorf("I(%q) is not a view", c.spec)
		}
	}
	m := Arange(6).Reshape(2, 3).I("::-1, ::-1")
	if s := m.String(); s != "tensor([[5, 4, 3],\n        [2, 1, 0]])" {
		t.Errorf("2-D reversal: %s", s)
	}
	// Operations on negative-stride views.
	if s := m.Add(m.T().T()).Sum(1).String(); s != "tensor([24,  6])" {
		t.Errorf("sum over reversed view: %s", s)
	}
}

func TestIndexErrors(t *testing.T) {
	x := Zeros(2, 3)
	cases := []struct {
		name string
		fn   func()
		kind Kind
		msg  string
	}{
		{"I too many", func() { x.I("0, 0, 0") }, IndexError, "too many indices for tensor of dimension 2"},
		{"I out of range", func() { x.I("5") }, IndexError, "index 5 is out of bounds for dimension 0 with size 2"},
		{"I two ellipses", func() { x.I("..., ...") }, IndexError, "an index can only have a single ellipsis ('...')"},
		{"I bad", func() { x.I("a") }, ValueError, `invalid index "a" in "a": expected an integer, a slice, '...' or None`},
		{"I zero step", func() { x.I("::0") }, ValueError, "slice step cannot be zero"},
		{"Slice step", func() { x.Slice(0, 0, 2, -1) }, ValueError, "step must be greater than zero"},
		{"Index", func() { x.Index(2) }, IndexError, "index 2 is out of bounds for dimension 0 with size 2"},
		{"Get count", func() { x.Get(0) }, IndexError, "get(): expected 2 indices for a tensor of dimension 2, but got 1"},
		{"Get range", func() { x.Get(0, 3) }, IndexError, "index 3 is out of bounds for dimension 1 with size 3"},
		{"Item", func() { x.Item() }, ValueError, "only one element tensors can be converted to Python scalars"},
		{"dim", func() { x.Sum(2) }, IndexError, "Dimension out of range (expected to be in range of [-2, 1], but got 2)"},
		{"masked_fill mask", func() { x.MaskedFill(Zeros(3), 1) }, RuntimeError, "masked_fill_ only supports boolean masks, but got mask with dtype float32"},
	}
	for _, c := range cases {
		e := panicsWith(t, c.fn)
		if e.Kind != c.kind || e.Msg != c.msg {
			t.Errorf("%s: got %s: %s\nwant %s: %s", c.name, e.Kind, e.Msg, c.kind, c.msg)
		}
	}
}

func TestErrorsAndDevices(t *testing.T) {
	cases := []struct {
		name string
		fn   func()
		kind Kind
		msg  string
	}{
		{"broadcast", func() { Zeros(2, 3).Add(Zeros(4)) }, RuntimeError, "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"},
		{"view", func() { Zeros(2, 3).T().View(6) }, RuntimeError, "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead."},
		{"matmul", func() { Zeros(2, 3).Matmul(Zeros(4, 5)) }, RuntimeError, "mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)"},
		{"cuda", func() { Zeros(2).To("cuda") }, RuntimeError, noCUDA},
		{"cuda:1", func() { Zeros(2).Cuda(1) }, RuntimeError, noCUDA},
		{"device string", func() { Zeros(2).To("gpu") }, RuntimeError, "Expected one of cpu, cuda device type at start of device string: gpu"},
		{"to type", func() { Zeros(2).To(3) }, TypeError, "to(): expected a device string, a Device or a DType, but got int"},
		{"ragged", func() { New([][]int{{1, 2}, {3}}) }, ValueError, "expected sequence of length 2 at dim 1 (got 1)"},
		{"New type", func() { New([]string{"a"}) }, TypeError, "tensor(): unsupported element type string"},
		{"operand type", func() { Zeros(2).Add("x") }, TypeError, "add(): expected a *Tensor or a Go number, but got string"},
		{"negative size", func() { Zeros(2, -1) }, RuntimeError, "Trying to create tensor with negative dimension -1: [2 -1]"},
		{"arange step", func() { Arange(0, 10, 0) }, RuntimeError, "step must be nonzero"},
		{"arange sign", func() { Arange(10, 0) }, RuntimeError, "upper bound and larger bound inconsistent with step sign"},
		{"randint", func() { RandInt(5, 5, 2) }, RuntimeError, "random_ expects 'from' to be less than 'to', but got from=5 >= to=5"},
		{"in-place cast", func() { New([]int64{1, 2}).Add_(New([]float32{1, 2})) }, RuntimeError, "result type Float can't be cast to the desired output type Long"},
		{"in-place shape", func() { Zeros(2).Add_(Zeros(2, 2)) }, RuntimeError, "output with shape [2] doesn't match the broadcast shape [2, 2]"},
		{"in-place expanded", func() { Zeros(2).Expand(3, 2).Add_(1) }, RuntimeError, "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation."},
		{"mean int", func() { New([]int64{1}).Mean() }, RuntimeError, "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: Long"},
		{"max empty", func() { Zeros(0).Max() }, RuntimeError, "max(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument."},
		{"max dim empty", func() { Zeros(2, 0).MaxDim(1) }, IndexError, "max(): Expected reduction dim 1 to have non-zero size."},
		{"argmax empty", func() { Zeros(2, 0).Argmax() }, IndexError, "argmax(): Expected reduction dim to be specified for input.numel() == 0."},
		{"reduce arg", func() { Zeros(2).Sum("x") }, TypeError, "sum(): expected dims (int or []int), tensor.KeepDim or tensor.Correction, but got string"},
		{"bool neg", func() { New([]bool{true}).Neg() }, RuntimeError, "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead."},
		{"int pow", func() { New([]int64{2}).Pow(-1) }, RuntimeError, "Integers to negative integer powers are not allowed."},
		{"clamp", func() { Zeros(2).Clamp(nil, nil) }, RuntimeError, "torch.clamp: At least one of 'min' or 'max' must not be None"},
		{"inverse singular", func() { New([][]float32{{1, 2}, {2, 4}}).Inverse() }, RuntimeError, "linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular."},
		{"solve singular", func() { Solve(New([][]float64{{1, 2}, {2, 4}}), New([]float64{1, 2})) }, RuntimeError, "torch.linalg.solve: The solver failed because the input matrix is singular."},
		{"memory", func() { Empty(1<<40, 2) }, RuntimeError, ""},
		{"size of 0-d", func() { New(1).Size(0) }, IndexError, "Dimension specified as 0 but tensor has no dimensions"},
		{"copy overlap", func() { x := Zeros(2, 2); x.Copy_(x.T()) }, RuntimeError, "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation."},
		{"view -1 with 0", func() { Zeros(2, 3).View(-1, 0) }, RuntimeError, "shape '[-1, 0]' is invalid for input of size 6"},
		{"view ambiguous", func() { Zeros(0, 3).View(-1, 0) }, RuntimeError, "cannot reshape tensor of 0 elements into shape [-1, 0] because the unspecified dimension size -1 can be any value and is ambiguous"},
		{"overflow", func() { Zeros(1<<40, 1<<40) }, RuntimeError, "numel: integer multiplication overflow for shape [1099511627776 1099511627776]"},
	}
	for _, c := range cases {
		e := panicsWith(t, c.fn)
		if e.Kind != c.kind || (c.msg != "" && e.Msg != c.msg) {
			t.Errorf("%s: got %s: %s\nwant %s: %s", c.name, e.Kind, e.Msg, c.kind, c.msg)
		}
	}
	e := panicsWith(t, func() { Empty(1<<40, 2) })
	if !strings.HasPrefix(e.Msg, "not enough memory: tried to allocate 8.00 TiB (8796093022208 bytes) on cpu, but only ") {
		t.Errorf("memory message: %s", e.Msg)
	}
	if CudaAvailable() || DeviceCount() != 0 {
		t.Errorf("CUDA reported without a CUDA backend")
	}
	x := Zeros(2)
	if x.To("cpu") != x || x.CPU() != x || x.To(Float32) != x {
		t.Errorf("To without a change copies")
	}
	if d := ParseDevice("cuda:3"); d.String() != "cuda:3" {
		t.Errorf("ParseDevice: %v", d)
	}
	if s := x.Device().String(); s != "cpu" {
		t.Errorf("device %q", s)
	}
	// Catch re-panics other values.
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("Catch swallowed a foreign panic: %v", r)
		}
	}()
	_ = Catch(func() { panic("boom") })
}

func TestPromotion(t *testing.T) {
	i64 := New([]int64{1, 2})
	cases := []struct {
		name string
		x    *Tensor
		want DType
	}{
		{"int/int", i64.Div(i64), Float32},
		{"int32+float", New([]int32{1}).Add(2.5), Float32},
		{"int32+int64 tensor", New([]int32{1}).Add(i64.Narrow(0, 0, 1)), Int64},
		{"uint8+int", New([]uint8{1}).Add(300), Uint8},
		{"0-d int + uint8", New(5).Add(New([]uint8{1})), Uint8},
		{"0-d float + uint8", New(float32(5)).Add(New([]uint8{1})), Float32},
		{"0-d float64 + float32", New(5.0).Add(Zeros(2)), Float32},
		{"float32+float64", Zeros(2).Add(Zeros(2).To(Float64)), Float64},
		{"bool+bool", New([]bool{true}).Add(New([]bool{true})), Bool},
		{"bool+int", New([]bool{true}).Add(1), Int64},
		{"bool+float", New([]bool{true}).Mul(1.5), Float32},
		{"exp int", i64.Exp(), Float32},
		{"sum bool", New([]bool{true, true}).Sum(), Int64},
		{"cumsum uint8", New([]uint8{1}).Cumsum(0), Int64},
		{"all uint8", New([]uint8{1}).All(), Uint8},
		{"compare", i64.Lt(1.5), Bool},
		{"clamp int float", i64.Clamp(0.5, nil), Float32},
	}
	for _, c := range cases {
		if c.x.DType() != c.want {
			t.Errorf("%s: dtype %v, want %v", c.name, c.x.DType(), c.want)
		}
	}
	if got := New([]uint8{1}).Add(300).Uint8s()[0]; got != 45 {
		t.Errorf("uint8 + 300 = %d, want 45 (wraps)", got)
	}
}

func TestInPlaceAndEmpty(t *testing.T) {
	x := Arange(float32(6)).Reshape(2, 3)
	row := x.Select(0, 1)
	row.Mul_(10).Add_(New([]float32{1, 2, 3}))
	if s := x.String(); s != "tensor([[ 0.,  1.,  2.],\n        [31., 42., 53.]])" {
		t.Errorf("in-place through a view: %s", s)
	}
	x.T().Zero_()
	if x.Abs().Sum().Item() != 0 {
		t.Errorf("Zero_ on a transposed view")
	}
	y := New([]float32{-1, 0.5, 4})
	y.Clamp_(0, 1).Sqrt_()
	if s := y.String(); s != "tensor([0.0000, 0.7071, 1.0000])" {
		t.Errorf("Clamp_/Sqrt_: %s", s)
	}
	y.MaskedFill_(y.Gt(0.9), -2).Copy_(y.Relu())
	if s := y.String(); s != "tensor([0.0000, 0.7071, 0.0000])" {
		t.Errorf("MaskedFill_/Copy_: %s", s)
	}

	e := Zeros(0, 3)
	cases := []struct {
		name string
		got  *Tensor
		want string
	}{
		{"sum dim 0", e.Sum(0), "tensor([0., 0., 0.])"},
		{"sum dim 1", e.Sum(1), "tensor([])"},
		{"prod", e.Prod(), "tensor(1.)"},
		{"mean", e.Mean(), "tensor(nan)"},
		{"add", e.Add(Ones(3)), "tensor([], size=(0, 3))"},
		{"matmul", e.Matmul(Ones(3, 2)), "tensor([], size=(0, 2))"},
		{"matmul k=0", Ones(2, 0).Matmul(Ones(0, 2)), "tensor([[0., 0.],\n        [0., 0.]])"},
		{"cat", Cat([]*Tensor{Zeros(0), Ones(2)}, 0), "tensor([1., 1.])"},
		{"masked_select none", Ones(2).MaskedSelect(Zeros(2).Gt(1)), "tensor([])"},
		{"all empty", e.All(), "tensor(True)"},
		{"any empty", e.Any(), "tensor(False)"},
		{"int empty", Zeros(0).To(Int64), "tensor([], dtype=int64)"},
	}
	for _, c := range cases {
		if s := c.got.String(); s != c.want {
			t.Errorf("%s: got %s, want %s", c.name, s, c.want)
		}
	}
}

func TestLargeParallelPaths(t *testing.T) {
	const n = 1 << 20
	x := Ones(n)
	if got := x.Sum().Item(); got != n {
		t.Errorf("sum of %d ones = %v", n, got)
	}
	a := Arange(float32(n)).Reshape(1024, 1024)
	// Column sums walk memory with stride 1024 and accumulate.
	cs := a.Sum(0)
	rs := a.T().Sum(1)
	if !cs.Eq(rs).All().Bools()[0] {
		t.Errorf("column sums differ between strategies")
	}
	want := 0.0
	for i := 0; i < 1024; i++ {
		want += float64(i*1024 + 5)
	}
	if cs.Get(5) != float64(float32(want)) {
		t.Errorf("column 5 sum = %v, want %v", cs.Get(5), want)
	}
	b := a.Add(a.T())
	if b.Get(3, 700) != float64(3*1024+700+700*1024+3) {
		t.Errorf("large transposed add")
	}
	if i := a.Argmax().ItemInt(); i != n-1 {
		t.Errorf("argmax = %d", i)
	}
	v, idx := a.Neg().MaxDim(0)
	if v.Get(7) != 0*-1 && v.Get(7) != -7 || idx.Get(7) != 0 {
		t.Errorf("MaxDim over rows: %v %v", v.Get(7), idx.Get(7))
	}
	// Matmul against a naive product, through transposed and sliced views.
	ManualSeed(1)
	m := Randn(70, 50)
	k := Randn(60, 70).T().Slice(1, 0, 60, 2) // 70×30, strided
	got := m.T().Matmul(k)                    // 50×30
	mm, kk := m.Float32s(), k.Contiguous().Float32s()
	for i := 0; i < 50; i += 7 {
		for j := 0; j < 30; j += 5 {
			s := 0.0
			for p := 0; p < 70; p++ {
				s += float64(mm[p*50+i]) * float64(kk[p*30+j])
			}
			if math.Abs(got.Get(i, j)-s) > 1e-4 {
				t.Fatalf("matmul[%d,%d] = %v, want %v", i, j, got.Get(i, j), s)
			}
		}
	}
	// Batched broadcast matmul against per-batch Mm.
	bA, bB := Randn(3, 1, 4, 5), Randn(2, 5, 6)
	bC := bA.Matmul(bB)
	if !slices.Equal(bC.Shape(), []int{3, 2, 4, 6}) {
		t.Fatalf("batched shape %v", bC.Shape())
	}
	d := bC.Index(2, 1).Sub(bA.Index(2, 0).Mm(bB.Index(1))).Abs().Max().Item()
	if d > 1e-6 {
		t.Errorf("batched matmul differs by %v", d)
	}
	if s := New([][]int64{{1, 2}, {3, 4}}).Matmul(New([][]int64{{1, 2}, {3, 4}})).String(); s != "tensor([[ 7, 10],\n        [15, 22]])" {
		t.Errorf("int matmul: %s", s)
	}
}

func TestLinalg(t *testing.T) {
	a := New([][]float32{{4, 7}, {2, 6}})
	if s := a.Inverse().String(); s != "tensor([[ 0.6000, -0.7000],\n        [-0.2000,  0.4000]])" {
		t.Errorf("Inverse: %s", s)
	}
	if s := a.Det().String(); s != "tensor(10.0000)" && s != "tensor(10.)" {
		t.Errorf("Det: %s", s)
	}
	x := Solve(New([][]float64{{3, 1}, {1, 2}}), New([]float64{9, 8}))
	if s := x.String(); s != "tensor([2., 3.], dtype=float64)" {
		t.Errorf("Solve: %s", s)
	}
	batch := Stack([]*Tensor{Eye(2), Eye(2).Mul(2)}, 0)
	if s := batch.Det().String(); s != "tensor([1., 4.])" {
		t.Errorf("batched Det: %s", s)
	}
	if s := New([]float32{1, 2}).Outer(New([]int64{3, 4})).String(); s != "tensor([[3., 4.],\n        [6., 8.]])" {
		t.Errorf("Outer: %s", s)
	}
}

func TestSoftmaxSortTopkCumsum(t *testing.T) {
	x := New([][]float32{{1, 2, 3}, {1, 1, 1}})
	if s := x.Softmax(1).String(); s != "tensor([[0.0900, 0.2447, 0.6652],\n        [0.3333, 0.3333, 0.3333]])" {
		t.Errorf("Softmax: %s", s)
	}
	if d := x.LogSoftmax(-1).Sub(x.Softmax(-1).Log()).Abs().Max().Item(); d > 1e-6 {
		t.Errorf("LogSoftmax differs from log(Softmax) by %v", d)
	}
	big := New([]float32{1000, 0})
	if s := big.Softmax(0).String(); s != "tensor([1., 0.])" {
		t.Errorf("Softmax is not stable: %s", s)
	}
	v, i := New([]float32{3, float32(math.NaN()), 1, 3}).Sort(0, false)
	if v.String() != "tensor([1., 3., 3., nan])" || i.String() != "tensor([2, 0, 3, 1])" {
		t.Errorf("Sort: %v %v", v, i)
	}
	tv, ti := New([]int64{5, 1, 9, 3}).Topk(2, 0, true)
	if tv.String() != "tensor([9, 5])" || ti.String() != "tensor([2, 0])" {
		t.Errorf("Topk: %v %v", tv, ti)
	}
	if s := New([]bool{true, false, true}).Cumsum(0).String(); s != "tensor([1, 1, 2])" {
		t.Errorf("Cumsum: %s", s)
	}
	if s := Arange(float32(1), 5).Cumprod(0).String(); s != "tensor([ 1.,  2.,  6., 24.])" {
		t.Errorf("Cumprod: %s", s)
	}
	if s := New([]float32{3, 4}).NormP(math.Inf(1)).String(); s != "tensor(4.)" {
		t.Errorf("NormP inf: %s", s)
	}
	if s := New([][]float32{{1, 2}, {3, 5}}).Var(0, Correction(0)).String(); s != "tensor([1.0000, 2.2500])" {
		t.Errorf("Var population: %s", s)
	}
}

func TestPrintOptions(t *testing.T) {
	defer SetPrintOptions(PrintOptions{})
	SetPrintOptions(PrintOptions{Precision: 2, SciMode: SciAlways})
	if s := New([]float32{1.5, 2}).String(); s != "tensor([1.50e+00, 2.00e+00])" {
		t.Errorf("options: %s", s)
	}
	SetPrintOptions(PrintOptions{Threshold: 5, EdgeItems: 1})
	if s := Arange(10).String(); s != "tensor([0,  ..., 9])" { // PyTorch's double space

		t.Errorf("threshold: %s", s)
	}
}

func TestSVDAndEigh(t *testing.T) {
	a := New([][]float64{{3, 1, 1}, {-1, 3, 1}})
	for _, full := range []bool{true, false} {
		u, s, vh := a.SVD(full)
		if s.String() != "tensor([3.4641, 3.1623], dtype=float64)" { // sqrt(12), sqrt(10), as torch.linalg.svdvals
			t.Errorf("singular values %v", s)
		}
		k := 2
		r := u.Narrow(1, 0, k).Mul(s).Matmul(vh.Narrow(0, 0, k))
		if d := r.Sub(a).Abs().Max().Item(); d > 1e-12 {
			t.Errorf("full=%v: U S Vh differs from A by %v", full, d)
		}
		wantU, wantV := []int{2, 2}, []int{3, 3}
		if !full {
			wantV = []int{2, 3}
		}
		if !slices.Equal(u.Shape(), wantU) || !slices.Equal(vh.Shape(), wantV) {
			t.Errorf("full=%v: shapes %v %v", full, u.Shape(), vh.Shape())
		}
	}
	sym := New([][]float32{{2, 1}, {1, 2}})
	vals, vecs := sym.Eigh()
	if vals.String() != "tensor([1., 3.])" {
		t.Errorf("eigenvalues %v", vals)
	}
	if d := sym.Matmul(vecs).Sub(vecs.Mul(vals)).Abs().Max().Item(); d > 1e-6 {
		t.Errorf("A V != V diag(w): %v", d)
	}
	if e := panicsWith(t, func() { New([][]int64{{1}}).SVD(true) }); e.Msg != "linalg.svd: Expected a floating point or complex tensor as input. Got Long" {
		t.Errorf("SVD of ints: %s", e.Msg)
	}
	if e := panicsWith(t, func() { Zeros(2, 3).Eigh() }); e.Msg != "linalg.eigh: A must be batches of square matrices, but they are 2 by 3 matrices" {
		t.Errorf("Eigh non-square: %s", e.Msg)
	}
}

// TestArithInPlace checks that Add_, Sub_, Mul_ and Div_ give what the
// out-of-place ops give, on the direct path (broadcast tensors, numbers,
// t itself, a transposed t, integer dtypes) and on the copying one (an
// operand overlapping t, promotion), and that each bumps the version.
func TestArithInPlace(t *testing.T) {
	ManualSeed(5)
	base := func() *Tensor { return Randn(3, 4) }
	cases := []struct {
		name  string
		x     func() *Tensor
		other func(x *Tensor) any
	}{
		{"tensor", base, func(*Tensor) any { return Randn(3, 4) }},
		{"row", base, func(*Tensor) any { return Randn(4) }},
		{"column", base, func(*Tensor) any { return Randn(3, 1) }},
		{"number", base, func(*Tensor) any { return 1.5 }},
		{"itself", base, func(x *Tensor) any { return x }},
		{"transposed t", func() *Tensor { return Randn(4, 3).T() }, func(*Tensor) any { return Randn(3, 4) }},
		{"overlap", func() *Tensor { return Randn(4, 4) }, func(x *Tensor) any { return x.T() }},
		{"float64 operand", base, func(*Tensor) any { return Randn(3, 4).To(Float64) }},
		{"int64", func() *Tensor { return RandInt(-5, 5, 3, 4) }, func(*Tensor) any { return RandInt(1, 5, 4) }},
	}
	ops := []struct {
		name     string
		in, outp func(x *Tensor, o any) *Tensor
	}{
		{"add", (*Tensor).Add_, (*Tensor).Add},
		{"sub", (*Tensor).Sub_, (*Tensor).Sub},
		{"mul", (*Tensor).Mul_, (*Tensor).Mul},
		{"div", (*Tensor).Div_, (*Tensor).Div},
	}
	for _, c := range cases {
		for _, op := range ops {
			if op.name == "div" && c.name == "int64" {
				continue
			}
			x := c.x()
			o := c.other(x)
			want := op.outp(x.Clone(), o)
			if ot, ok := o.(*Tensor); ok && ot.SharesStorage(x) {
				want = op.outp(x.Clone(), ot.Clone())
			}
			want = want.To(x.DType())
			v := x.Version()
			if got := op.in(x, o); got != x {
				t.Fatalf("%s %s: did not return t", c.name, op.name)
			}
			if x.Version() != v+1 {
				t.Errorf("%s %s: version %d, want %d", c.name, op.name, x.Version(), v+1)
			}
			if x.Eq(want).All().Item() != 1 {
				t.Errorf("%s %s: got\n%v\nwant\n%v", c.name, op.name, x, want)
			}
		}
	}
}
