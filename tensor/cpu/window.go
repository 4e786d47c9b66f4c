package cpu

import (
	"fmt"

	"gonote/tensor/backend"
)

var _ backend.Windower = CPU{}

// Unfold2d copies the windows of src into dst (im2col).
func (CPU) Unfold2d(dst, src backend.View, w backend.Window2d) {
	defer keep(dst, src)
	switch d := data(dst).(type) {
	case []float32:
		unfold2d(dst, src, w, d, data(src).([]float32))
	case []float64:
		unfold2d(dst, src, w, d, data(src).([]float64))
	default:
		panic(fmt.Sprintf("cpu: Unfold2d on %v", dst.Buf.DType()))
	}
}

// Fold2d sums the windows in src back into dst (col2im).
func (CPU) Fold2d(dst, src backend.View, w backend.Window2d) {
	defer keep(dst, src)
	switch d := data(dst).(type) {
	case []float32:
		fold2d(dst, src, w, d, data(src).([]float32))
	case []float64:
		fold2d(dst, src, w, d, data(src).([]float64))
	default:
		panic(fmt.Sprintf("cpu: Fold2d on %v", dst.Buf.DType()))
	}
}

// span returns the outputs [x0, x1) of a window row whose input position
// x·stride+off lies inside [0, size).
func span(off, size, stride, outs int) (x0, x1 int) {
	if off < 0 {
		x0 = (-off + stride - 1) / stride
	}
	if end := size - off; end > 0 {
		x1 = (end + stride - 1) / stride
	}
	x0, x1 = min(x0, outs), min(x1, outs)
	return x0, max(x0, x1)
}

// unfold2d works plane by plane, in parallel across the N·C planes; the
// rows of one window offset (i, j) are a strided copy with the padding
// filled at both ends.
func unfold2d[T float](dst, src backend.View, w backend.Window2d, d, s []T) {
	c, h, wd := src.Shape[1], src.Shape[2], src.Shape[3]
	sn, sc, sh, sw := src.Strides[0], src.Strides[1], src.Strides[2], src.Strides[3]
	kk, oh, ow := dst.Shape[2], dst.Shape[3], dst.Shape[4]
	planes := src.Shape[0] * c
	pad := T(w.PadValue)
	parallel(planes, workers(planes*kk*oh*ow), func(lo, hi int) {
		for p := lo; p < hi; p++ {
			sbase := src.Offset + p/c*sn + p%c*sc
			out := d[dst.Offset+p*kk*oh*ow:][:kk*oh*ow]
			for i := 0; i < w.KH; i++ {
				for j := 0; j < w.KW; j++ {
					win := out[(i*w.KW+j)*oh*ow:][:oh*ow]
					xoff := j*w.Dilation - w.Padding
					x0, x1 := span(xoff, wd, w.Stride, ow)
					for y := 0; y < oh; y++ {
						row := win[y*ow : (y+1)*ow]
						sy := y*w.Stride + i*w.Dilation - w.Padding
						if sy < 0 || sy >= h {
							for x := range row {
								row[x] = pad
							}
							continue
						}
						for x := 0; x < x0; x++ {
							row[x] = pad
						}
						so := sbase + sy*sh + (x0*w.Stride+xoff)*sw
						if step := w.Stride * sw; step == 1 {
							copy(row[x0:x1], s[so:so+x1-x0])
						} else {
							for x := x0; x < x1; x++ {
								row[x] = s[so]
								so += step
							}
						}
						for x := x1; x < ow; x++ {
							row[x] = pad
						}
					}
				}
			}
		}
	})
}

// fold2d zeroes each plane of dst and adds the windows of src into it, in
// parallel across planes (windows of one plane never reach another).
func fold2d[T float](dst, src backend.View, w backend.Window2d, d, s []T) {
	c, h, wd := dst.Shape[1], dst.Shape[2], dst.Shape[3]
	s0, s1, s2, s3, s4 := src.Strides[0], src.Strides[1], src.Strides[2], src.Strides[3], src.Strides[4]
	oh, ow := src.Shape[3], src.Shape[4]
	planes := dst.Shape[0] * c
	parallel(planes, workers(src.Numel()), func(lo, hi int) {
		for p := lo; p < hi; p++ {
			plane := d[dst.Offset+p*h*wd:][:h*wd]
			clear(plane)
			sbase := src.Offset + p/c*s0 + p%c*s1
			for i := 0; i < w.KH; i++ {
				for j := 0; j < w.KW; j++ {
					wbase := sbase + (i*w.KW+j)*s2
					xoff := j*w.Dilation - w.Padding
					x0, x1 := span(xoff, wd, w.Stride, ow)
					for y := 0; y < oh; y++ {
						sy := y*w.Stride + i*w.Dilation - w.Padding
						if sy < 0 || sy >= h || x0 == x1 {
							continue
						}
						row := plane[sy*wd:][:wd]
						so := wbase + y*s3 + x0*s4
						dx := x0*w.Stride + xoff
						for x := x0; x < x1; x++ {
							row[dx] += s[so]
							so += s4
							dx += w.Stride
						}
					}
				}
			}
		}
	})
}
