package nn

import (
	"math"

	"gonote/tensor"
)

// This file holds the initialisers (torch.nn.init). They write in place
// without recording the graph, so they can be used on parameters.

// Uniform_ fills t with values drawn uniformly from [low, high) and
// returns t.
func Uniform_(t *tensor.Tensor, low, high float64) *tensor.Tensor {
	tensor.NoGrad(func() {
		t.Copy_(tensor.Rand(t.Shape()...).Mul(high - low).Add(low))
	})
	return t
}

// Normal_ fills t with values drawn from N(mean, std²) and returns t.
func Normal_(t *tensor.Tensor, mean, std float64) *tensor.Tensor {
	tensor.NoGrad(func() {
		t.Copy_(tensor.Randn(t.Shape()...).Mul(std).Add(mean))
	})
	return t
}

// Constant_ fills t with value and returns t.
func Constant_(t *tensor.Tensor, value float64) *tensor.Tensor {
	tensor.NoGrad(func() { t.Fill_(value) })
	return t
}

// Zeros_ fills t with zeros and returns t.
func Zeros_(t *tensor.Tensor) *tensor.Tensor { return Constant_(t, 0) }

// Ones_ fills t with ones and returns t.
func Ones_(t *tensor.Tensor) *tensor.Tensor { return Constant_(t, 1) }

// fans returns the fan-in and fan-out of a weight of shape [out, in, k...].
func fans(t *tensor.Tensor) (in, out int) {
	s := t.Shape()
	if len(s) < 2 {
		panic(&tensor.Error{Kind: tensor.ValueError, Op: "init", Msg: "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions"})
	}
	rf := 1
	for _, k := range s[2:] {
		rf *= k
	}
	return s[1] * rf, s[0] * rf
}

// KaimingUniform_ fills t with PyTorch's kaiming_uniform_(t, a) for a
// leaky ReLU of negative slope a, in fan-in mode: uniform on ±bound with
// bound = sqrt(6 / ((1 + a²) fan_in)). Linear and Conv2d weights use
// a = sqrt(5), PyTorch's default. It returns t.
func KaimingUniform_(t *tensor.Tensor, a float64) *tensor.Tensor {
	fanIn, _ := fans(t)
	gain := math.Sqrt(2 / (1 + a*a))
	bound := math.Sqrt(3) * gain / math.Sqrt(float64(fanIn))
	return Uniform_(t, -bound, bound)
}

// XavierUniform_ fills t with PyTorch's xavier_uniform_ (gain 1): uniform
// on ±sqrt(6 / (fan_in + fan_out)). It returns t.
func XavierUniform_(t *tensor.Tensor) *tensor.Tensor {
	fanIn, fanOut := fans(t)
	bound := math.Sqrt(6 / float64(fanIn+fanOut))
	return Uniform_(t, -bound, bound)
}

// param returns a new Float32 leaf of the given shape that requires grad.
func param(shape ...int) *tensor.Tensor { return tensor.Zeros(shape...).RequiresGrad_() }
