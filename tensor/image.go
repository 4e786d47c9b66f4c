package tensor

import (
	"image"
	"image/color"
)

// FromImage returns img as a Uint8 CPU tensor of shape [height, width, 3]
// holding its RGB values, like cv2.imread followed by cvtColor(BGR2RGB) or
// numpy.asarray(PIL.Image.open(f).convert("RGB")). An alpha channel is
// dropped without blending (colors are taken unpremultiplied), and gray
// images are repeated into three channels.
func FromImage(img image.Image) *Tensor {
	b := img.Bounds()
	h, w := b.Dy(), b.Dx()
	out := make([]uint8, h*w*3)
	put := func(y, x int, r, g, bl uint8) {
		i := (y*w + x) * 3
		out[i], out[i+1], out[i+2] = r, g, bl
	}
	switch m := img.(type) {
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[(y)*m.Stride:]
			for x := 0; x < w; x++ {
				put(y, x, row[4*x], row[4*x+1], row[4*x+2])
			}
		}
	case *image.RGBA:
		// Unpremultiply exactly as color.NRGBAModel does.
		un := func(c, a uint32) uint8 {
			if a == 0xffff {
				return uint8(c >> 8)
			}
			if a == 0 {
				return 0
			}
			return uint8((c * 0xffff / a) >> 8)
		}
		for y := 0; y < h; y++ {
			row := m.Pix[y*m.Stride:]
			for x := 0; x < w; x++ {
				p := row[4*x : 4*x+4]
				a := uint32(p[3]) * 0x101
				put(y, x, un(uint32(p[0])*0x101, a), un(uint32(p[1])*0x101, a), un(uint32(p[2])*0x101, a))
			}
		}
	case *image.Gray:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				v := m.Pix[y*m.Stride+x]
				put(y, x, v, v, v)
			}
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				yi, ci := m.YOffset(b.Min.X+x, b.Min.Y+y), m.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bl := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				put(y, x, r, g, bl)
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
				put(y, x, c.R, c.G, c.B)
			}
		}
	}
	return fromHost(out, []int{h, w, 3})
}

// ToImage returns a Uint8 tensor of shape [H, W, 3] as an *image.RGBA
// (opaque), [H, W, 4] as an *image.NRGBA, and [H, W] or [H, W, 1] as an
// *image.Gray, copying the pixels. It panics with a RuntimeError for other
// shapes or dtypes; convert floats in [0, 1] first with
// x.Mul(255).Round().Clamp(0, 255).To(tensor.Uint8).
func (t *Tensor) ToImage() image.Image {
	if t.dtype != Uint8 {
		fail(RuntimeError, "to_image", "to_image(): expected a uint8 tensor, but got %s; convert with x.Mul(255).Round().Clamp(0, 255).To(tensor.Uint8)", t.dtype)
	}
	c := 1
	switch {
	case t.Dim() == 2:
	case t.Dim() == 3 && (t.shape[2] == 1 || t.shape[2] == 3 || t.shape[2] == 4):
		c = t.shape[2]
	default:
		fail(RuntimeError, "to_image", "to_image(): expected shape [H, W], [H, W, 1], [H, W, 3] or [H, W, 4] (HWC), but got %s", shapeString(t.shape))
	}
	h, w := t.shape[0], t.shape[1]
	px := t.CPU().Contiguous().Uint8s()
	r := image.Rect(0, 0, w, h)
	switch c {
	case 1:
		m := image.NewGray(r)
		copy(m.Pix, px)
		return m
	case 3:
		m := image.NewRGBA(r)
		for i := 0; i < h*w; i++ {
			copy(m.Pix[4*i:4*i+3], px[3*i:3*i+3])
			m.Pix[4*i+3] = 255
		}
		return m
	}
	m := image.NewNRGBA(r)
	copy(m.Pix, px)
	return m
}

// Resize returns t resized to height×width over its last two dimensions
// ([..., H, W]: PyTorch's CHW and NCHW layouts) by bilinear interpolation
// with half-pixel centers and no antialiasing, as
// torch.nn.functional.interpolate(mode="bilinear", align_corners=False)
// and cv2.resize(INTER_LINEAR) compute it. Float tensors keep their dtype;
// integer tensors are interpolated in float32 and rounded to nearest (cv2
// uses fixed-point weights for uint8 and may differ by one). It panics
// with a RuntimeError for fewer than two dimensions or empty sizes.
func (t *Tensor) Resize(height, width int) *Tensor {
	if t.Dim() < 2 {
		fail(RuntimeError, "resize", "resize(): expected a tensor with at least 2 dimensions [..., H, W], but got shape %s", shapeString(t.shape))
	}
	h, w := t.shape[t.Dim()-2], t.shape[t.Dim()-1]
	if h <= 0 || w <= 0 || height <= 0 || width <= 0 {
		fail(RuntimeError, "resize", "Input and output sizes should be greater than 0, but got input (H: %d, W: %d) output (H: %d, W: %d)", h, w, height, width)
	}
	x := t
	if !t.dtype.IsFloat() {
		x = t.toDType(Float32)
	}
	x = resizeDim(x, x.Dim()-1, width)
	x = resizeDim(x, x.Dim()-2, height)
	if t.dtype.IsFloat() {
		return x
	}
	if t.dtype == Uint8 {
		x = x.Clamp(0, 255)
	}
	return x.Round().toDType(t.dtype)
}

// ResizeHWC resizes an image in HWC ([H, W, C]) or HW layout, the layout
// of FromImage and cv2, as [Tensor.Resize] does for CHW.
func (t *Tensor) ResizeHWC(height, width int) *Tensor {
	switch t.Dim() {
	case 2:
		return t.Resize(height, width)
	case 3:
		return t.Permute(2, 0, 1).Resize(height, width).Permute(1, 2, 0).Contiguous()
	}
	fail(RuntimeError, "resize", "resize_hwc(): expected an [H, W, C] or [H, W] tensor, but got shape %s", shapeString(t.shape))
	return nil
}

// resizeDim linearly interpolates x along dim to n positions, with the
// source positions and weights PyTorch's upsample_bilinear2d uses.
func resizeDim(x *Tensor, dim, n int) *Tensor {
	in := x.shape[dim]
	i0, i1 := make([]int64, n), make([]int64, n)
	l0, l1 := make([]float64, n), make([]float64, n)
	f32 := x.dtype == Float32
	scale := float64(in) / float64(n)
	if f32 {
		scale = float64(float32(in) / float32(n))
	}
	for j := 0; j < n; j++ {
		src := scale*(float64(j)+0.5) - 0.5
		if f32 {
			src = float64(float32(scale)*(float32(j)+0.5) - 0.5)
		}
		if src < 0 {
			src = 0
		}
		k := int(src)
		i0[j], i1[j] = int64(k), int64(k)
		if k < in-1 {
			i1[j]++
		}
		l1[j] = src - float64(k)
		if f32 {
			l1[j] = float64(float32(src) - float32(k))
			l0[j] = float64(1 - float32(l1[j]))
		} else {
			l0[j] = 1 - l1[j]
		}
	}
	shape := make([]int, x.Dim())
	for i := range shape {
		shape[i] = 1
	}
	shape[dim] = n
	w0 := fromHost(l0, []int{n}).toDType(x.dtype).Reshape(shape...).To(x.Device())
	w1 := fromHost(l1, []int{n}).toDType(x.dtype).Reshape(shape...).To(x.Device())
	a := x.IndexSelect(dim, fromHost(i0, []int{n}).To(x.Device()))
	b := x.IndexSelect(dim, fromHost(i1, []int{n}).To(x.Device()))
	return a.Mul(w0).Add(b.Mul(w1))
}
