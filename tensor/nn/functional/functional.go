// Package functional holds the functional forms of package nn's layers and
// losses, like torch.nn.functional: the same computations with explicit
// weights. Import it as F:
//
//	import F "gonote/tensor/nn/functional"
//
//	y := F.Relu(F.Linear(x, w, b))
//	loss := F.CrossEntropy(y, labels)
//
// Every function is a composition of package tensor's differentiable
// operations, so autograd differentiates it without rules of its own. Shape
// mistakes panic with *tensor.Error values.
package functional

import (
	"fmt"
	"math"
	"strings"

	"gonote/tensor"
)

// shapeStr formats a shape as PyTorch's messages do: [2, 3].
func shapeStr(s []int) string {
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = fmt.Sprint(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func fail(op, format string, args ...any) {
	panic(&tensor.Error{Kind: tensor.RuntimeError, Op: op, Msg: fmt.Sprintf(format, args...)})
}

// Linear returns x·weightᵀ + bias (bias may be nil), like F.linear: x is
// [..., in], weight [out, in], bias [out].
func Linear(x, weight, bias *tensor.Tensor) *tensor.Tensor {
	y := x.Matmul(weight.T())
	if bias != nil {
		y = y.Add(bias)
	}
	return y
}

// Relu returns max(x, 0).
func Relu(x *tensor.Tensor) *tensor.Tensor { return x.Relu() }

// LeakyRelu returns x where x > 0 and slope·x elsewhere (PyTorch's default
// slope is 0.01).
func LeakyRelu(x *tensor.Tensor, slope float64) *tensor.Tensor {
	return tensor.Where(x.Gt(0), x, x.Mul(slope))
}

// erf approximates the error function with Abramowitz and Stegun's formula
// 7.1.26 (absolute error below 1.5e-7, under float32's resolution near 1),
// written with differentiable tensor operations because package tensor has
// no erf primitive.
func erf(x *tensor.Tensor) *tensor.Tensor {
	const p = 0.3275911
	a := []float64{0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429}
	ax := x.Abs()
	t := ax.Mul(p).Add(1).Pow(-1)
	poly := t.Mul(a[4])
	for i := 3; i >= 0; i-- {
		poly = poly.Add(a[i]).Mul(t)
	}
	y := poly.Mul(ax.Mul(ax).Neg().Exp()).Neg().Add(1)
	sign := x.Gt(0).To(x.DType()).Sub(x.Lt(0).To(x.DType()))
	return y.Mul(sign)
}

// Gelu returns x·Φ(x), PyTorch's exact GELU, with Φ computed through an
// erf approximation accurate to 1.5e-7. GeluTanh is the tanh form
// (approximate='tanh').
func Gelu(x *tensor.Tensor) *tensor.Tensor {
	return x.Mul(erf(x.Mul(1 / math.Sqrt2)).Add(1)).Mul(0.5)
}

// GeluTanh returns PyTorch's gelu(x, approximate='tanh'):
// 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³))).
func GeluTanh(x *tensor.Tensor) *tensor.Tensor {
	inner := x.Add(x.Pow(3).Mul(0.044715)).Mul(math.Sqrt(2 / math.Pi))
	return x.Mul(inner.Tanh().Add(1)).Mul(0.5)
}

// Dropout zeroes each element with probability p and scales the others by
// 1/(1-p) when training is true; otherwise it returns x.
func Dropout(x *tensor.Tensor, p float64, training bool) *tensor.Tensor {
	if p < 0 || p > 1 {
		panic(&tensor.Error{Kind: tensor.ValueError, Op: "dropout", Msg: fmt.Sprintf("dropout probability has to be between 0 and 1, but got %v", p)})
	}
	if !training || p == 0 {
		return x
	}
	if p == 1 {
		return x.Mul(0)
	}
	keep := tensor.Rand(x.Shape()...).Ge(p).To(x.DType())
	return x.Mul(keep).Div(1 - p)
}

// Embedding returns the rows of weight [num, dim] at the Int64 indices,
// shaped [indices..., dim].
func Embedding(indices, weight *tensor.Tensor) *tensor.Tensor {
	shape := append(indices.Shape(), weight.Size(1))
	return weight.IndexSelect(0, indices.Reshape(-1)).Reshape(shape...)
}

// LayerNorm normalizes x over its last len(normalizedShape) dimensions to
// zero mean and unit (biased) variance, then applies weight and bias
// (either may be nil), like F.layer_norm.
func LayerNorm(x *tensor.Tensor, normalizedShape []int, weight, bias *tensor.Tensor, eps float64) *tensor.Tensor {
	n := len(normalizedShape)
	s := x.Shape()
	if n > len(s) {
		fail("layer_norm", "Given normalized_shape=%s, expected input with shape [*, %s], but got input of size%s", shapeStr(normalizedShape), strings.Trim(shapeStr(normalizedShape), "[]"), shapeStr(s))
	}
	for i, v := range normalizedShape {
		if s[len(s)-n+i] != v {
			fail("layer_norm", "Given normalized_shape=%s, expected input with shape [*, %s], but got input of size%s", shapeStr(normalizedShape), strings.Trim(shapeStr(normalizedShape), "[]"), shapeStr(s))
		}
	}
	dims := make([]int, n)
	for i := range dims {
		dims[i] = len(s) - n + i
	}
	mean := x.Mean(dims, tensor.KeepDim)
	v := x.Var(dims, tensor.Correction(0), tensor.KeepDim)
	y := x.Sub(mean).Div(v.Add(eps).Sqrt())
	if weight != nil {
		y = y.Mul(weight)
	}
	if bias != nil {
		y = y.Add(bias)
	}
	return y
}

// BatchNorm normalizes x ([N, C] or [N, C, H, W]) per channel, like
// F.batch_norm. In training it uses the batch statistics and updates
// runningMean and runningVar (when not nil) with momentum, the running
// variance being unbiased; otherwise it uses the running statistics.
// weight and bias (per channel) may be nil.
func BatchNorm(x, runningMean, runningVar, weight, bias *tensor.Tensor, training bool, momentum, eps float64) *tensor.Tensor {
	s := x.Shape()
	if len(s) < 2 {
		fail("batch_norm", "Expected 2D or more input (got %dD input)", len(s))
	}
	dims := []int{0}
	for d := 2; d < len(s); d++ {
		dims = append(dims, d)
	}
	shape := make([]int, len(s))
	for i := range shape {
		shape[i] = 1
	}
	shape[1] = s[1]
	var mean, v *tensor.Tensor
	if training {
		count := x.Numel() / s[1]
		if count <= 1 {
			fail("batch_norm", "Expected more than 1 value per channel when training, got input size torch.Size(%s)", shapeStr(s))
		}
		mean = x.Mean(dims, tensor.KeepDim)
		v = x.Var(dims, tensor.Correction(0), tensor.KeepDim)
		if runningMean != nil && runningVar != nil {
			tensor.NoGrad(func() {
				runningMean.Mul_(1 - momentum).Add_(mean.Reshape(-1).Mul(momentum))
				unbiased := v.Reshape(-1).Mul(float64(count) / float64(count-1))
				runningVar.Mul_(1 - momentum).Add_(unbiased.Mul(momentum))
			})
		}
	} else {
		mean, v = runningMean.Reshape(shape...), runningVar.Reshape(shape...)
	}
	y := x.Sub(mean).Div(v.Add(eps).Sqrt())
	if weight != nil {
		y = y.Mul(weight.Reshape(shape...))
	}
	if bias != nil {
		y = y.Add(bias.Reshape(shape...))
	}
	return y
}

// Conv2dOptions configures a 2-D convolution. Zero fields take PyTorch's
// defaults: Stride 1, Padding 0, Dilation 1, Groups 1.
type Conv2dOptions struct {
	Stride, Padding, Dilation, Groups int
}

func (o Conv2dOptions) norm() Conv2dOptions {
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

// unfold returns the sliding windows of x [N, C, H, W] as [N, C, kh·kw,
// OH, OW] (im2col), padding with value, with op's messages for bad sizes.
func unfold(op string, x *tensor.Tensor, kh, kw, stride, pad, dil int, value float64) (*tensor.Tensor, int, int) {
	if x.Dim() != 4 {
		fail(op, "Expected 4D (batched) input to %s, but got input of size: %s", op, shapeStr(x.Shape()))
	}
	h, w := x.Size(2)+2*pad, x.Size(3)+2*pad
	oh := (h-dil*(kh-1)-1)/stride + 1
	ow := (w-dil*(kw-1)-1)/stride + 1
	if oh <= 0 || ow <= 0 {
		fail(op, "Calculated output size: (%d x %d). Output size is too small", max(oh, 0), max(ow, 0))
	}
	return tensor.Windows2d(x, kh, kw, stride, pad, dil, value), oh, ow
}

// Conv2d returns the 2-D cross-correlation of x [N, C, H, W] with weight
// [O, C/groups, kh, kw] plus bias [O] (nil for none), like F.conv2d,
// computed as im2col and a matrix product per group.
func Conv2d(x, weight, bias *tensor.Tensor, opts ...Conv2dOptions) *tensor.Tensor {
	var o Conv2dOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	o = o.norm()
	ws := weight.Shape()
	if len(ws) != 4 || x.Dim() != 4 {
		fail("conv2d", "Expected 4-dimensional input for 4-dimensional weight %s, but got %d-dimensional input of size %s instead", shapeStr(ws), x.Dim(), shapeStr(x.Shape()))
	}
	n, c := x.Size(0), x.Size(1)
	g := o.Groups
	if c != ws[1]*g || ws[0]%g != 0 {
		fail("conv2d", "Given groups=%d, weight of size %s, expected input%s to have %d channels, but got %d channels instead", g, shapeStr(ws), shapeStr(x.Shape()), ws[1]*g, c)
	}
	cols, oh, ow := unfold("conv2d", x, ws[2], ws[3], o.Stride, o.Padding, o.Dilation, 0)
	k := ws[1] * ws[2] * ws[3]
	// One product per group for the whole batch, [O/g, k] × [k, n·oh·ow],
	// rather than one per sample: BLAS is faster on one large product, and
	// the weight gradient is then a product too, not a batch summed.
	cols = cols.Reshape(n, g, k, oh*ow).Permute(1, 2, 0, 3).Reshape(g, k, n*oh*ow)
	wm := weight.Reshape(g, ws[0]/g, k)
	y := wm.Matmul(cols).Reshape(ws[0], n, oh, ow).Permute(1, 0, 2, 3)
	if bias != nil {
		return y.Add(bias.Reshape(1, ws[0], 1, 1))
	}
	return y.Contiguous()
}

// MaxPool2d returns the maximum over kernel×kernel windows of x [N, C, H,
// W] moved by stride (0 means kernel) with padding (filled with -inf),
// like F.max_pool2d. The gradient goes to the first maximum of each
// window, as in PyTorch.
func MaxPool2d(x *tensor.Tensor, kernel, stride, padding int) *tensor.Tensor {
	if stride == 0 {
		stride = kernel
	}
	if padding > kernel/2 {
		fail("max_pool2d", "pad should be at most half of effective kernel size, but got pad=%d, kernel_size=%d and dilation=1", padding, kernel)
	}
	cols, _, _ := unfold("max_pool2d", x, kernel, kernel, stride, padding, 1, math.Inf(-1))
	v, _ := cols.MaxDim(2)
	return v
}

// AvgPool2d returns the mean over kernel×kernel windows of x moved by
// stride (0 means kernel), counting zero padding, like F.avg_pool2d.
func AvgPool2d(x *tensor.Tensor, kernel, stride, padding int) *tensor.Tensor {
	if stride == 0 {
		stride = kernel
	}
	cols, _, _ := unfold("avg_pool2d", x, kernel, kernel, stride, padding, 1, 0)
	return cols.Mean(2)
}

// AdaptiveAvgPool2d averages x [N, C, H, W] into an oh×ow grid whose cells
// cover rows floor(i·H/oh) to ceil((i+1)·H/oh), like F.adaptive_avg_pool2d.
func AdaptiveAvgPool2d(x *tensor.Tensor, oh, ow int) *tensor.Tensor {
	if x.Dim() != 4 {
		fail("adaptive_avg_pool2d", "adaptive_avg_pool2d(): Expected 4D tensor, but got %s", shapeStr(x.Shape()))
	}
	h, w := x.Size(2), x.Size(3)
	rows := make([]*tensor.Tensor, oh)
	for i := 0; i < oh; i++ {
		h0, h1 := i*h/oh, ((i+1)*h+oh-1)/oh
		cells := make([]*tensor.Tensor, ow)
		for j := 0; j < ow; j++ {
			w0, w1 := j*w/ow, ((j+1)*w+ow-1)/ow
			cells[j] = x.Narrow(2, h0, h1-h0).Narrow(3, w0, w1-w0).Mean([]int{2, 3})
		}
		rows[i] = tensor.Stack(cells, 2)
	}
	return tensor.Stack(rows, 2)
}
