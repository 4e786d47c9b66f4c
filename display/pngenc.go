package display

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/adler32"
	"hash/crc32"
	"image"
	"image/png"
	"runtime"
	"slices"
	"sync"

	"git.sr.ht/~sbinet/gg"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// renderPNG paints a page of w × h at twice its size and encodes it as a PNG.
// The pixels are drawn straight into a pooled image: vgimg's own canvas
// allocates one image and copies it into a second for its graphics context,
// 3.5 MB each for a 6 × 4 inch figure, on every redraw of a live plot.
func renderPNG(w, h vg.Length, paint func(draw.Canvas)) ([]byte, error) {
	const dpi = pngScale * cssDPI
	px := image.Rect(0, 0, int(w/vg.Inch*dpi+0.5), int(h/vg.Inch*dpi+0.5))
	img, _ := pagePool.Get().(*image.RGBA)
	if img == nil || img.Rect != px {
		img = image.NewRGBA(px)
	}
	defer pagePool.Put(img)
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt()
	ctx.InvertY() // as vgimg.NewWith does for the contexts it makes
	c := vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(dpi))
	paint(draw.New(c))
	if !img.Opaque() {
		var b bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&b, img); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	return encodeOpaque(img), nil
}

// pagePool keeps the last page images for the next render.
var pagePool sync.Pool

// encodeOpaque writes img, whose pixels are all opaque, as an 8-bit RGB PNG,
// faster than image/png for rendered plots.
//
// image/png tries all five row filters on every row and compresses on one
// core; a plot is mostly flat colour, for which the Up filter alone turns
// every repeated row into zeros. So each row is filtered with Up, and bands
// of rows are deflated in parallel, each ending on a byte-aligned sync flush
// so that the bands concatenate into one valid zlib stream (as pigz does).
func encodeOpaque(img *image.RGBA) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	rowLen := 1 + 3*w // a filter byte, then the pixels

	bands := min(runtime.GOMAXPROCS(0), max(1, h/64))
	chunks := make([][]byte, bands)
	sums := make([]uint32, bands)
	var wg sync.WaitGroup
	for b := range bands {
		y0, y1 := h*b/bands, h*(b+1)/bands
		wg.Go(func() {
			scratch := bandScratch.Get().(*deflater)
			defer bandScratch.Put(scratch)
			raw := slices.Grow(scratch.raw[:0], (y1-y0)*rowLen)[:(y1-y0)*rowLen]
			scratch.raw = raw
			for y := y0; y < y1; y++ {
				filterUp(raw[(y-y0)*rowLen:][:rowLen], img, y)
			}
			sums[b] = adler32.Checksum(raw)
			var out bytes.Buffer
			out.Grow(len(raw) / 16)
			zw := scratch.zw
			zw.Reset(&out)
			zw.Write(raw)
			if b == bands-1 {
				zw.Close()
			} else {
				zw.Flush()
			}
			chunks[b] = out.Bytes()
		})
	}
	wg.Wait()

	// The Adler-32 of the whole follows from the bands' sums and lengths.
	sum := sums[0]
	for b := 1; b < bands; b++ {
		y0, y1 := h*b/bands, h*(b+1)/bands
		sum = adler32Combine(sum, sums[b], (y1-y0)*rowLen)
	}

	var png bytes.Buffer
	png.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 8 // bits per sample
	ihdr[9] = 2 // RGB
	writeChunk(&png, "IHDR", ihdr[:])
	var idat bytes.Buffer
	idat.Write([]byte{0x78, 0x01}) // zlib header: deflate, 32K window, fastest
	for _, c := range chunks {
		idat.Write(c)
	}
	binary.Write(&idat, binary.BigEndian, sum)
	writeChunk(&png, "IDAT", idat.Bytes())
	writeChunk(&png, "IEND", nil)
	return png.Bytes()
}

// A deflater is the scratch space of one band, kept between encodings: a
// flate.Writer allocates about 1 MB.
type deflater struct {
	zw  *flate.Writer
	raw []byte
}

var bandScratch = sync.Pool{New: func() any {
	zw, _ := flate.NewWriter(nil, flate.BestSpeed)
	return &deflater{zw: zw}
}}

// filterUp writes row y (counted from the top of img) as RGB with PNG's Up
// filter (type 2): each byte minus the one above it, zeros above row 0.
func filterUp(dst []byte, img *image.RGBA, y int) {
	dst[0] = 2
	dst = dst[1:]
	w := img.Rect.Dx()
	at := img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y+y)
	cur := img.Pix[at : at+4*w]
	if y == 0 {
		for x := range w {
			copy(dst[3*x:3*x+3], cur[4*x:4*x+3])
		}
		return
	}
	prev := img.Pix[at-img.Stride : at-img.Stride+4*w]
	for x := range w {
		p := cur[4*x : 4*x+3 : 4*x+3]
		q := prev[4*x : 4*x+3 : 4*x+3]
		d := dst[3*x : 3*x+3 : 3*x+3]
		d[0], d[1], d[2] = p[0]-q[0], p[1]-q[1], p[2]-q[2]
	}
}

// adler32Combine returns the Adler-32 of A‖B from those of A and B and B's length.
func adler32Combine(a, b uint32, lenB int) uint32 {
	const mod = 65521
	rem := uint32(lenB % mod)
	a1, a2 := a&0xffff, a>>16
	b1, b2 := b&0xffff, b>>16
	s1 := (a1 + b1 + mod - 1) % mod
	s2 := (rem*a1%mod + a2 + b2 + mod - rem) % mod
	return s2<<16 | s1
}

// writeChunk appends one PNG chunk: length, type, data, CRC of type and data.
func writeChunk(w *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	w.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	w.WriteString(typ)
	w.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	w.Write(n[:])
}
