package nn

import (
	"fmt"
	"math"

	"gonote/tensor"
	F "gonote/tensor/nn/functional"
)

// This file holds the layers. Constructors initialise parameters as
// PyTorch does; layers start in training mode.

// Linear is a fully connected layer y = x·Wᵀ + b, like torch.nn.Linear.
// Weight is [out, in] and Bias [out] (nil without bias), both initialised
// uniformly on ±1/sqrt(in) (kaiming_uniform with a = sqrt(5)).
type Linear struct {
	Weight, Bias *tensor.Tensor
}

// NewLinear returns a Linear layer from in to out features, with a bias
// unless bias is given as false.
func NewLinear(in, out int, bias ...bool) *Linear {
	l := &Linear{Weight: param(out, in)}
	KaimingUniform_(l.Weight, math.Sqrt(5))
	if len(bias) == 0 || bias[0] {
		l.Bias = param(out)
		b := 1 / math.Sqrt(float64(in))
		Uniform_(l.Bias, -b, b)
	}
	return l
}

// Forward returns x·Wᵀ + b for x of shape [..., in].
func (l *Linear) Forward(x *tensor.Tensor) *tensor.Tensor { return F.Linear(x, l.Weight, l.Bias) }

func (l *Linear) ownState() (p, b []NamedTensor) {
	p = []NamedTensor{{"weight", l.Weight}}
	if l.Bias != nil {
		p = append(p, NamedTensor{"bias", l.Bias})
	}
	return p, nil
}

// String describes the layer like PyTorch's repr.
func (l *Linear) String() string {
	return fmt.Sprintf("Linear(in_features=%d, out_features=%d, bias=%s)", l.Weight.Size(1), l.Weight.Size(0), pyBool(l.Bias != nil))
}

// ReLU is the module form of functional.Relu.
type ReLU struct{}

// Forward returns max(x, 0).
func (ReLU) Forward(x *tensor.Tensor) *tensor.Tensor { return x.Relu() }

// String returns "ReLU()".
func (ReLU) String() string { return "ReLU()" }

// LeakyReLU is the module form of functional.LeakyRelu; the zero value uses
// PyTorch's default slope 0.01.
type LeakyReLU struct{ NegativeSlope float64 }

// Forward returns x where positive and slope·x elsewhere.
func (l LeakyReLU) Forward(x *tensor.Tensor) *tensor.Tensor {
	s := l.NegativeSlope
	if s == 0 {
		s = 0.01
	}
	return F.LeakyRelu(x, s)
}

// GELU is the module form of functional.Gelu (or of functional.GeluTanh when Approximate is
// "tanh").
type GELU struct{ Approximate string }

// Forward returns GELU(x).
func (g GELU) Forward(x *tensor.Tensor) *tensor.Tensor {
	if g.Approximate == "tanh" {
		return F.GeluTanh(x)
	}
	return F.Gelu(x)
}

// Sigmoid is the module form of Tensor.Sigmoid.
type Sigmoid struct{}

// Forward returns 1/(1+exp(-x)).
func (Sigmoid) Forward(x *tensor.Tensor) *tensor.Tensor { return x.Sigmoid() }

// Tanh is the module form of Tensor.Tanh.
type Tanh struct{}

// Forward returns tanh(x).
func (Tanh) Forward(x *tensor.Tensor) *tensor.Tensor { return x.Tanh() }

// Softmax is the module form of Tensor.Softmax along Dim.
type Softmax struct{ Dim int }

// Forward returns the softmax of x along Dim.
func (s Softmax) Forward(x *tensor.Tensor) *tensor.Tensor { return x.Softmax(s.Dim) }

// Flatten merges dimensions StartDim..EndDim, like torch.nn.Flatten. The
// zero value, like NewFlatten, uses PyTorch's defaults: dims 1 to -1,
// keeping the batch dimension. (To flatten everything, call x.Flatten().)
type Flatten struct{ StartDim, EndDim int }

// NewFlatten returns a Flatten of dims 1..-1, PyTorch's default.
func NewFlatten() *Flatten { return &Flatten{StartDim: 1, EndDim: -1} }

// Forward returns x flattened.
func (f *Flatten) Forward(x *tensor.Tensor) *tensor.Tensor {
	if f.StartDim == 0 && f.EndDim == 0 {
		return x.Flatten(1, -1)
	}
	return x.Flatten(f.StartDim, f.EndDim)
}

// Dropout zeroes elements with probability P in training mode, like
// torch.nn.Dropout.
type Dropout struct {
	P    float64
	eval bool
}

// NewDropout returns a Dropout with probability p, in training mode.
func NewDropout(p float64) *Dropout { return &Dropout{P: p} }

// Forward applies dropout in training mode and returns x in eval mode.
func (d *Dropout) Forward(x *tensor.Tensor) *tensor.Tensor { return F.Dropout(x, d.P, !d.eval) }

func (d *Dropout) setTraining(on bool) { d.eval = !on }

// Embedding maps Int64 indices to rows of Weight [num, dim], initialised
// from N(0, 1) like torch.nn.Embedding.
type Embedding struct{ Weight *tensor.Tensor }

// NewEmbedding returns an Embedding of num vectors of size dim.
func NewEmbedding(num, dim int) *Embedding {
	e := &Embedding{Weight: param(num, dim)}
	Normal_(e.Weight, 0, 1)
	return e
}

// Forward returns the rows at the indices in x.
func (e *Embedding) Forward(x *tensor.Tensor) *tensor.Tensor { return F.Embedding(x, e.Weight) }

func (e *Embedding) ownState() (p, b []NamedTensor) {
	return []NamedTensor{{"weight", e.Weight}}, nil
}

// LayerNorm normalizes over the last dimensions (Shape) with a learned
// Weight (ones) and Bias (zeros), like torch.nn.LayerNorm with eps 1e-5.
type LayerNorm struct {
	Shape        []int
	Weight, Bias *tensor.Tensor
	Eps          float64
}

// NewLayerNorm returns a LayerNorm over the given trailing shape.
func NewLayerNorm(shape ...int) *LayerNorm {
	l := &LayerNorm{Shape: shape, Weight: param(shape...), Bias: param(shape...), Eps: 1e-5}
	Ones_(l.Weight)
	return l
}

// Forward returns the normalized x.
func (l *LayerNorm) Forward(x *tensor.Tensor) *tensor.Tensor {
	return F.LayerNorm(x, l.Shape, l.Weight, l.Bias, l.Eps)
}

func (l *LayerNorm) ownState() (p, b []NamedTensor) {
	return []NamedTensor{{"weight", l.Weight}, {"bias", l.Bias}}, nil
}

// BatchNorm normalizes each channel (dimension 1) with batch statistics in
// training and running statistics in eval mode, like torch.nn.BatchNorm1d
// and BatchNorm2d (momentum 0.1, eps 1e-5). Weight starts at ones, Bias at
// zeros, RunningMean at zeros, RunningVar at ones.
type BatchNorm struct {
	Weight, Bias            *tensor.Tensor
	RunningMean, RunningVar *tensor.Tensor
	NumBatchesTracked       *tensor.Tensor // Int64 scalar, as in PyTorch's state dict
	Momentum, Eps           float64
	eval                    bool
	dims                    int // expected input rank(s): 2 or 3 (1d), 4 (2d)
}

// NewBatchNorm1d returns a BatchNorm for [N, C] or [N, C, L] inputs.
func NewBatchNorm1d(c int) *BatchNorm { return newBatchNorm(c, 2) }

// NewBatchNorm2d returns a BatchNorm for [N, C, H, W] inputs.
func NewBatchNorm2d(c int) *BatchNorm { return newBatchNorm(c, 4) }

func newBatchNorm(c, dims int) *BatchNorm {
	b := &BatchNorm{Weight: param(c), Bias: param(c), RunningMean: tensor.Zeros(c), RunningVar: tensor.Ones(c),
		NumBatchesTracked: tensor.New(int64(0)), Momentum: 0.1, Eps: 1e-5, dims: dims}
	Ones_(b.Weight)
	return b
}

// Forward normalizes x.
func (b *BatchNorm) Forward(x *tensor.Tensor) *tensor.Tensor {
	switch {
	case b.dims == 4 && x.Dim() != 4:
		failf("batch_norm", "expected 4D input (got %dD input)", x.Dim())
	case b.dims == 2 && x.Dim() != 2 && x.Dim() != 3:
		failf("batch_norm", "expected 2D or 3D input (got %dD input)", x.Dim())
	}
	if !b.eval {
		tensor.NoGrad(func() { b.NumBatchesTracked.Add_(1) })
	}
	return F.BatchNorm(x, b.RunningMean, b.RunningVar, b.Weight, b.Bias, !b.eval, b.Momentum, b.Eps)
}

func (b *BatchNorm) setTraining(on bool) { b.eval = !on }

func (b *BatchNorm) ownState() (p, bufs []NamedTensor) {
	return []NamedTensor{{"weight", b.Weight}, {"bias", b.Bias}},
		[]NamedTensor{{"running_mean", b.RunningMean}, {"running_var", b.RunningVar}, {"num_batches_tracked", b.NumBatchesTracked}}
}

// Conv2d is a 2-D convolution layer, like torch.nn.Conv2d. Weight is [out,
// in/groups, k, k] and Bias [out], initialised as PyTorch does (uniform on
// ±1/sqrt(fan_in), fan_in = in/groups·k·k).
type Conv2d struct {
	Weight, Bias *tensor.Tensor
	Options      F.Conv2dOptions
}

// NewConv2d returns a Conv2d from in to out channels with a square kernel
// and the given options (stride, padding, dilation, groups), with a bias.
func NewConv2d(in, out, kernel int, opts ...F.Conv2dOptions) *Conv2d {
	var o F.Conv2dOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	o = normConv(o)
	if in%o.Groups != 0 || out%o.Groups != 0 {
		panic(&tensor.Error{Kind: tensor.ValueError, Op: "conv2d", Msg: "in_channels and out_channels must be divisible by groups"})
	}
	c := &Conv2d{Weight: param(out, in/o.Groups, kernel, kernel), Bias: param(out), Options: o}
	KaimingUniform_(c.Weight, math.Sqrt(5))
	b := 1 / math.Sqrt(float64(in/o.Groups*kernel*kernel))
	Uniform_(c.Bias, -b, b)
	return c
}

// Forward convolves x [N, C, H, W].
func (c *Conv2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	return F.Conv2d(x, c.Weight, c.Bias, c.Options)
}

func (c *Conv2d) ownState() (p, b []NamedTensor) {
	p = []NamedTensor{{"weight", c.Weight}}
	if c.Bias != nil {
		p = append(p, NamedTensor{"bias", c.Bias})
	}
	return p, nil
}

// MaxPool2d is the module form of functional.MaxPool2d (Stride 0 means Kernel).
type MaxPool2d struct{ Kernel, Stride, Padding int }

// Forward pools x.
func (m MaxPool2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	return F.MaxPool2d(x, m.Kernel, m.Stride, m.Padding)
}

// AvgPool2d is the module form of functional.AvgPool2d (Stride 0 means Kernel).
type AvgPool2d struct{ Kernel, Stride, Padding int }

// Forward pools x.
func (m AvgPool2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	return F.AvgPool2d(x, m.Kernel, m.Stride, m.Padding)
}

// AdaptiveAvgPool2d is the module form of functional.AdaptiveAvgPool2d.
type AdaptiveAvgPool2d struct{ H, W int }

// Forward pools x to H×W.
func (m AdaptiveAvgPool2d) Forward(x *tensor.Tensor) *tensor.Tensor {
	return F.AdaptiveAvgPool2d(x, m.H, m.W)
}

// normConv fills in the defaults of zero Conv2dOptions fields.
func normConv(o F.Conv2dOptions) F.Conv2dOptions {
	if o.Stride == 0 {
		o.Stride = 1
	}
	if o.Dilation == 0 {
		o.Dilation = 1
	}
	if o.Groups == 0 {
		o.Groups = 1
	}
	return o
}

func failf(op, format string, args ...any) {
	panic(&tensor.Error{Kind: tensor.RuntimeError, Op: op, Msg: fmt.Sprintf(format, args...)})
}

// pyBool spells a bool as Python does in reprs.
func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}
