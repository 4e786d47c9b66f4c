package tensor

import "gonote/tensor/backend"

// This file holds the sliding windows of 2-D convolution and pooling
// (im2col) and their adjoint, which package nn/functional builds Conv2d
// and the poolings on. A backend that implements backend.Windower does
// each in one call; for others they are built from Copy and Add.

// Windows2d returns the kh×kw windows that a 2-D convolution or pooling
// reads from x [N, C, H, W]: their elements dilation apart, moved by
// stride over x padded by padding on every side with padValue. The result
// is a new tensor [N, C, kh·kw, OH, OW], OH = (H+2·padding−dilation·(kh−1)−1)/stride+1
// and OW likewise (im2col; torch.nn.functional.unfold returns the same
// values shaped [N, C·kh·kw, OH·OW]). Its gradient adds the gradient of
// every window element to the position it was read from. It panics with a
// RuntimeError for another rank, sizes below 1 (padding below 0), or
// windows that do not fit.
func Windows2d(x *Tensor, kh, kw, stride, padding, dilation int, padValue float64) *Tensor {
	const op = "unfold"
	if x.Dim() != 4 {
		fail(RuntimeError, op, "Expected 4D (batched) input, but got input of size: %s", shapeString(x.shape))
	}
	if kh < 1 || kw < 1 || stride < 1 || dilation < 1 || padding < 0 {
		fail(RuntimeError, op, "kernel size, stride and dilation must be positive and padding non-negative, but got kernel %dx%d, stride %d, padding %d, dilation %d",
			kh, kw, stride, padding, dilation)
	}
	w := backend.Window2d{KH: kh, KW: kw, Stride: stride, Padding: padding, Dilation: dilation, PadValue: padValue}
	h, wd := x.shape[2], x.shape[3]
	oh := (h+2*padding-dilation*(kh-1)-1)/stride + 1
	ow := (wd+2*padding-dilation*(kw-1)-1)/stride + 1
	if h+2*padding-dilation*(kh-1)-1 < 0 || wd+2*padding-dilation*(kw-1)-1 < 0 {
		fail(RuntimeError, op, "Calculated output size: (%d x %d). Output size is too small", max(oh, 0), max(ow, 0))
	}
	return recordWindows(x, unfold2d(x.plain(), w, oh, ow), w)
}

// recordWindows records out = Windows2d(x); its gradient is fold2d, itself
// recorded so that a backward pass with CreateGraph can be differentiated.
func recordWindows(x, out *Tensor, w backend.Window2d) *Tensor {
	if !needsGrad(x) {
		return out
	}
	shape := x.shape
	return record("Im2ColBackward0", out, []*Tensor{x}, func(g *Tensor) []*Tensor {
		f := fold2d(g.plain(), w, shape)
		gw := w
		gw.PadValue = 0
		f = record("Col2ImBackward0", f, []*Tensor{g}, func(gg *Tensor) []*Tensor {
			oh, ow := g.shape[3], g.shape[4]
			return []*Tensor{recordWindows(gg, unfold2d(gg.plain(), gw, oh, ow), gw)}
		})
		return []*Tensor{f}
	})
}

// unfold2d returns the windows of x as a new [N, C, KH·KW, oh, ow] tensor.
func unfold2d(x *Tensor, w backend.Window2d, oh, ow int) *Tensor {
	n, c := x.shape[0], x.shape[1]
	out := uninit("unfold", x.Device(), x.dtype, []int{n, c, w.KH * w.KW, oh, ow})
	if out.Numel() == 0 {
		return out
	}
	if b, ok := x.be().(backend.Windower); ok && x.dtype.IsFloat() {
		b.Unfold2d(out.view(), x.view(), w)
		return out
	}
	unfold2dCopies(out, x, w)
	return out
}

// unfold2dCopies is unfold2d from Copy: one strided copy per window
// element.
func unfold2dCopies(out, x *Tensor, w backend.Window2d) {
	n, c, h, wd := x.shape[0], x.shape[1], x.shape[2], x.shape[3]
	oh, ow := out.shape[3], out.shape[4]
	p := w.Padding
	padded := x
	if p > 0 {
		padded = empty("unfold", x.Device(), x.dtype, []int{n, c, h + 2*p, wd + 2*p})
		padded.fill(w.PadValue)
		inner := padded.Narrow(2, p, h).Narrow(3, p, wd)
		inner.be().Copy(inner.view(), x.view())
	}
	for i := 0; i < w.KH; i++ {
		for j := 0; j < w.KW; j++ {
			src := windowAt(padded, w, i, j, oh, ow)
			dst := out.Select(2, i*w.KW+j)
			out.be().Copy(dst.view(), src.view())
		}
	}
}

// fold2d returns the [N, C, H, W] tensor (shape) that sums the windows g
// [N, C, KH·KW, OH, OW] back into place.
func fold2d(g *Tensor, w backend.Window2d, shape []int) *Tensor {
	out := uninit("fold", g.Device(), g.dtype, shape)
	if out.Numel() == 0 {
		return out
	}
	if b, ok := g.be().(backend.Windower); ok && g.dtype.IsFloat() {
		b.Fold2d(out.view(), g.view(), w)
		return out
	}
	fold2dAdds(out, g, w)
	return out
}

// fold2dAdds is fold2d from Add and Copy: one strided sum per window
// element into a zeroed padded tensor.
func fold2dAdds(out, g *Tensor, w backend.Window2d) {
	n, c, h, wd := out.shape[0], out.shape[1], out.shape[2], out.shape[3]
	p := w.Padding
	padded := zerosOn(g.Device(), g.dtype, []int{n, c, h + 2*p, wd + 2*p})
	oh, ow := g.shape[3], g.shape[4]
	for i := 0; i < w.KH; i++ {
		for j := 0; j < w.KW; j++ {
			region := windowAt(padded, w, i, j, oh, ow)
			sum := region.Add(g.Select(2, i*w.KW+j))
			region.be().Copy(region.view(), sum.view())
		}
	}
	inner := padded.Narrow(2, p, h).Narrow(3, p, wd)
	out.be().Copy(out.view(), inner.view())
}

// windowAt returns the view of the padded input that element (i, j) of
// every window reads: an oh×ow grid with step stride.
func windowAt(padded *Tensor, w backend.Window2d, i, j, oh, ow int) *Tensor {
	y, x := i*w.Dilation, j*w.Dilation
	return padded.Slice(2, y, y+w.Stride*(oh-1)+1, w.Stride).Slice(3, x, x+w.Stride*(ow-1)+1, w.Stride)
}
