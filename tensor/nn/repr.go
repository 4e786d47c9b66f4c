package nn

import (
	"fmt"
	"strings"
)

// The String methods print the layers as PyTorch's module reprs do, so that
// a model shown in a notebook reads like one printed by PyTorch.

// String describes the layer like PyTorch's repr.
func (l LeakyReLU) String() string {
	s := l.NegativeSlope
	if s == 0 {
		s = 0.01
	}
	return fmt.Sprintf("LeakyReLU(negative_slope=%g)", s)
}

// String describes the layer like PyTorch's repr.
func (g GELU) String() string {
	a := g.Approximate
	if a == "" {
		a = "none"
	}
	return fmt.Sprintf("GELU(approximate='%s')", a)
}

// String describes the layer like PyTorch's repr.
func (Sigmoid) String() string { return "Sigmoid()" }

// String describes the layer like PyTorch's repr.
func (Tanh) String() string { return "Tanh()" }

// String describes the layer like PyTorch's repr.
func (s Softmax) String() string { return fmt.Sprintf("Softmax(dim=%d)", s.Dim) }

// String describes the layer like PyTorch's repr.
func (f *Flatten) String() string {
	start, end := f.StartDim, f.EndDim
	if start == 0 && end == 0 {
		start, end = 1, -1
	}
	return fmt.Sprintf("Flatten(start_dim=%d, end_dim=%d)", start, end)
}

// String describes the layer like PyTorch's repr.
func (d *Dropout) String() string { return fmt.Sprintf("Dropout(p=%g, inplace=False)", d.P) }

// String describes the layer like PyTorch's repr.
func (e *Embedding) String() string {
	return fmt.Sprintf("Embedding(%d, %d)", e.Weight.Size(0), e.Weight.Size(1))
}

// String describes the layer like PyTorch's repr.
func (l *LayerNorm) String() string {
	return fmt.Sprintf("LayerNorm(%s, eps=%g, elementwise_affine=True)", pyTuple(l.Shape...), l.Eps)
}

// String describes the layer like PyTorch's repr: BatchNorm1d or BatchNorm2d.
func (b *BatchNorm) String() string {
	kind := "1d"
	if b.dims == 4 {
		kind = "2d"
	}
	return fmt.Sprintf("BatchNorm%s(%d, eps=%g, momentum=%g, affine=True, track_running_stats=True)",
		kind, b.Weight.Size(0), b.Eps, b.Momentum)
}

// String describes the layer like PyTorch's repr.
func (c *Conv2d) String() string {
	o := normConv(c.Options)
	k := c.Weight.Size(2)
	var b strings.Builder
	fmt.Fprintf(&b, "Conv2d(%d, %d, kernel_size=%s, stride=%s", c.Weight.Size(1)*o.Groups, c.Weight.Size(0), pyTuple(k, k), pyTuple(o.Stride, o.Stride))
	if o.Padding != 0 {
		fmt.Fprintf(&b, ", padding=%s", pyTuple(o.Padding, o.Padding))
	}
	if o.Dilation != 1 {
		fmt.Fprintf(&b, ", dilation=%s", pyTuple(o.Dilation, o.Dilation))
	}
	if o.Groups != 1 {
		fmt.Fprintf(&b, ", groups=%d", o.Groups)
	}
	if c.Bias == nil {
		b.WriteString(", bias=False")
	}
	b.WriteString(")")
	return b.String()
}

// String describes the layer like PyTorch's repr.
func (m MaxPool2d) String() string {
	return fmt.Sprintf("MaxPool2d(kernel_size=%d, stride=%d, padding=%d, dilation=1, ceil_mode=False)", m.Kernel, poolStride(m.Kernel, m.Stride), m.Padding)
}

// String describes the layer like PyTorch's repr.
func (m AvgPool2d) String() string {
	return fmt.Sprintf("AvgPool2d(kernel_size=%d, stride=%d, padding=%d)", m.Kernel, poolStride(m.Kernel, m.Stride), m.Padding)
}

// String describes the layer like PyTorch's repr.
func (m AdaptiveAvgPool2d) String() string {
	return fmt.Sprintf("AdaptiveAvgPool2d(output_size=%s)", pyTuple(m.H, m.W))
}

// poolStride is a pooling layer's stride: 0 means the kernel size.
func poolStride(kernel, stride int) int {
	if stride == 0 {
		return kernel
	}
	return stride
}

// pyTuple formats ints as a Python tuple: (3, 3), or (4,) for one.
func pyTuple(xs ...int) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprint(x)
	}
	if len(xs) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
