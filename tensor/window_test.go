package tensor

import (
	"math"
	"testing"

	"gonote/tensor/backend"
)

// TestWindows2d checks the CPU's Unfold2d and Fold2d against a direct
// reading of the definition and against the fallback built from Copy and
// Add, over strides, paddings, dilations and a non-contiguous input; Fold2d
// must be Unfold2d's adjoint: <unfold(x), g> = <x, fold(g)>.
func TestWindows2d(t *testing.T) {
	ManualSeed(3)
	for i, w := range []backend.Window2d{
		{KH: 3, KW: 3, Stride: 1, Padding: 1, Dilation: 1},
		{KH: 2, KW: 2, Stride: 2, Padding: 0, Dilation: 1, PadValue: math.Inf(-1)},
		{KH: 3, KW: 2, Stride: 2, Padding: 2, Dilation: 2, PadValue: -1.5},
		{KH: 1, KW: 4, Stride: 3, Padding: 1, Dilation: 1},
		{KH: 5, KW: 5, Stride: 1, Padding: 2, Dilation: 1},
	} {
		x := Randn(2, 5, 3, 7).To(Float64).Transpose(1, 3) // [2, 7, 3, 5], not contiguous
		n, c, h, wd := 2, 7, 3, 5
		oh := (h+2*w.Padding-w.Dilation*(w.KH-1)-1)/w.Stride + 1
		ow := (wd+2*w.Padding-w.Dilation*(w.KW-1)-1)/w.Stride + 1
		got := unfold2d(x, w, oh, ow)
		slow := uninit("unfold", x.Device(), x.dtype, got.shape)
		unfold2dCopies(slow, x, w)
		gv, sv := got.Float64s(), slow.Float64s()
		k := 0
		for a := 0; a < n; a++ {
			for b := 0; b < c; b++ {
				for ki := 0; ki < w.KH; ki++ {
					for kj := 0; kj < w.KW; kj++ {
						for y := 0; y < oh; y++ {
							for xx := 0; xx < ow; xx++ {
								sy := y*w.Stride + ki*w.Dilation - w.Padding
								sx := xx*w.Stride + kj*w.Dilation - w.Padding
								want := w.PadValue
								if sy >= 0 && sy < h && sx >= 0 && sx < wd {
									want = x.Index(a, b, sy, sx).Item()
								}
								if gv[k] != want || sv[k] != want {
									t.Fatalf("case %d: unfold at %d = %v (fallback %v), want %v", i, k, gv[k], sv[k], want)
								}
								k++
							}
						}
					}
				}
			}
		}
		g := Randn(got.Shape()...).To(Float64)
		f := fold2d(g, w, x.shape)
		fs := uninit("fold", g.Device(), g.dtype, x.shape)
		fold2dAdds(fs, g, w)
		if d := f.Sub(fs).Abs().Max().Item(); d > 1e-12 {
			t.Fatalf("case %d: fold differs from the fallback by %v", i, d)
		}
		w0 := w
		w0.PadValue = 0
		lhs := unfold2d(x, w0, oh, ow).Mul(g).Sum().Item()
		rhs := x.Mul(f).Sum().Item()
		if math.Abs(lhs-rhs) > 1e-9*math.Max(1, math.Abs(lhs)) {
			t.Fatalf("case %d: <unfold(x), g> = %v but <x, fold(g)> = %v", i, lhs, rhs)
		}
	}
}

// TestWindows2dGrad checks Windows2d's gradient, and the gradient of that
// gradient, with finite differences.
func TestWindows2dGrad(t *testing.T) {
	ManualSeed(4)
	x := Randn(1, 2, 4, 5).To(Float64).RequiresGrad_()
	wts := Randn(1, 2, 6, 2, 3).To(Float64)
	f := func(x *Tensor) *Tensor { return Windows2d(x, 3, 2, 2, 1, 1, 0).Mul(wts).Pow(2).Sum() }
	g := Grad([]*Tensor{f(x)}, []*Tensor{x}, nil, BackwardOptions{CreateGraph: true})[0]
	gg := Grad([]*Tensor{g.Pow(2).Sum()}, []*Tensor{x}, nil, BackwardOptions{})[0]
	xs := x.Detach().Float64s()
	gv, ggv := g.Detach().Contiguous().Float64s(), gg.Contiguous().Float64s()
	const eps = 1e-6
	for i := range xs {
		at := func(d float64) (float64, float64) {
			old := xs[i]
			xs[i] = old + d
			defer func() { xs[i] = old }()
			y := x.Detach()
			return f(y).Item(), Grad([]*Tensor{f(y.RequiresGrad_())}, []*Tensor{y}, nil, BackwardOptions{})[0].Pow(2).Sum().Item()
		}
		fp, gp := at(eps)
		fm, gm := at(-eps)
		if d := (fp - fm) / (2 * eps); math.Abs(d-gv[i]) > 1e-5*math.Max(1, math.Abs(d)) {
			t.Fatalf("grad[%d] = %v, finite difference %v", i, gv[i], d)
		}
		if d := (gp - gm) / (2 * eps); math.Abs(d-ggv[i]) > 1e-4*math.Max(1, math.Abs(d)) {
			t.Fatalf("second-order grad[%d] = %v, finite difference %v", i, ggv[i], d)
		}
	}
}
