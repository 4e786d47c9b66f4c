package tensor

import (
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"gonote/tensor/cpu"
)

// hostSlice returns the backing slice of t's elements for the slice
// accessors, checking device, contiguity and dtype.
func (t *Tensor) hostSlice(op string, want DType) any {
	if t.RequiresGrad() && IsGradEnabled() {
		fail(RuntimeError, op, "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead. (gonote: x.Detach().%s())", map[string]string{"float32s": "Float32s", "float64s": "Float64s"}[op])
	}
	if d := t.Device(); d.Type != "cpu" {
		fail(TypeError, op, "can't convert %s device type tensor to a Go slice. Use Tensor.CPU() to copy the tensor to host memory first.", d)
	}
	if t.dtype != want {
		fail(RuntimeError, op, "%s(): the tensor has dtype %s, not %s; convert it first with To(tensor.%s)", op, t.dtype, want, dtypeConst(want))
	}
	if !t.IsContiguous() {
		fail(RuntimeError, op, "%s(): the tensor is not contiguous, so its elements are not one Go slice; call Contiguous() first", op)
	}
	return t.buf.(*cpu.Buffer).Data()
}

func dtypeConst(d DType) string {
	return map[DType]string{Float32: "Float32", Float64: "Float64", Int64: "Int64", Int32: "Int32", Uint8: "Uint8", Bool: "Bool"}[d]
}

// Float32s returns the elements of a contiguous Float32 CPU tensor as the
// Go slice that stores them, like PyTorch's .numpy(): writes through the
// slice change the tensor and the other way round. It panics with a
// TypeError for a tensor on another device (use CPU first) and with a
// RuntimeError for another dtype or a non-contiguous tensor.
func (t *Tensor) Float32s() []float32 {
	s := t.hostSlice("float32s", Float32).([]float32)
	return s[t.offset : t.offset+t.Numel() : t.offset+t.Numel()]
}

// Float64s returns the shared elements of a Float64 tensor (see [Tensor.Float32s]).
func (t *Tensor) Float64s() []float64 {
	s := t.hostSlice("float64s", Float64).([]float64)
	return s[t.offset : t.offset+t.Numel() : t.offset+t.Numel()]
}

// Int64s returns the shared elements of an Int64 tensor (see [Tensor.Float32s]).
func (t *Tensor) Int64s() []int64 {
	s := t.hostSlice("int64s", Int64).([]int64)
	return s[t.offset : t.offset+t.Numel() : t.offset+t.Numel()]
}

// Int32s returns the shared elements of an Int32 tensor (see [Tensor.Float32s]).
func (t *Tensor) Int32s() []int32 {
	s := t.hostSlice("int32s", Int32).([]int32)
	return s[t.offset : t.offset+t.Numel() : t.offset+t.Numel()]
}

// Uint8s returns the shared elements of a Uint8 tensor (see [Tensor.Float32s]).
func (t *Tensor) Uint8s() []uint8 {
	s := t.hostSlice("uint8s", Uint8).([]uint8)
	return s[t.offset : t.offset+t.Numel() : t.offset+t.Numel()]
}

// Bools returns the shared elements of a Bool tensor (see [Tensor.Float32s]).
func (t *Tensor) Bools() []bool {
	s := t.hostSlice("bools", Bool).([]bool)
	return s[t.offset : t.offset+t.Numel() : t.offset+t.Numel()]
}

// FromDense returns a 2-D Float64 CPU tensor that shares m's storage: writes
// through either are seen by the other. A row stride larger than the number
// of columns (a view of a bigger matrix) becomes the tensor's stride.
func FromDense(m *mat.Dense) *Tensor {
	raw := m.RawMatrix()
	t := FromSlice(raw.Data)
	if raw.Rows == 0 || raw.Cols == 0 {
		return Zeros(raw.Rows, raw.Cols).To(Float64)
	}
	return t.withView([]int{raw.Rows, raw.Cols}, []int{raw.Stride, 1}, 0)
}

// Dense returns t, a 2-D tensor, as a gonum matrix. A Float64 CPU tensor
// whose rows are contiguous shares its storage with the matrix; any other
// tensor is converted and copied. It panics with a RuntimeError unless t is
// 2-D and non-empty (gonum has no empty matrices).
func (t *Tensor) Dense() *mat.Dense {
	if t.Dim() != 2 || t.Numel() == 0 {
		fail(RuntimeError, "dense", "dense(): expected a non-empty 2-D tensor, but got shape %s", shapeString(t.shape))
	}
	r, c := t.shape[0], t.shape[1]
	if t.Device().Type == "cpu" && t.dtype == Float64 && (t.strides[1] == 1 || c == 1) && (t.strides[0] >= c || r == 1) {
		data := t.buf.(*cpu.Buffer).Data().([]float64)
		stride := t.strides[0]
		if r == 1 {
			stride = c
		}
		var m mat.Dense
		m.SetRawMatrix(blas64.General{Rows: r, Cols: c, Stride: stride, Data: data[t.offset : t.offset+(r-1)*stride+c]})
		return &m
	}
	x := t.CPU().toDType(Float64).Contiguous()
	return mat.NewDense(r, c, x.Float64s())
}
