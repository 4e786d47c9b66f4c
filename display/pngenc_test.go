package display

import (
	"bytes"
	"hash/adler32"
	"image"
	"image/png"
	"math/rand/v2"
	"testing"
)

func TestEncodeOpaqueDecodesToTheSamePixels(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		w, h int
	}{
		{"one pixel", 1, 1},
		{"one band", 7, 5},
		{"several bands", 333, 517},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img := image.NewRGBA(image.Rect(0, 0, tc.w, tc.h))
			for i := range img.Pix {
				img.Pix[i] = uint8(rng.IntN(4) * 60) // flat runs and edges, like a plot
				if i%4 == 3 {
					img.Pix[i] = 255
				}
			}
			got, err := png.Decode(bytes.NewReader(encodeOpaque(img)))
			if err != nil {
				t.Fatal(err)
			}
			if got.Bounds() != img.Bounds() {
				t.Fatalf("bounds %v, want %v", got.Bounds(), img.Bounds())
			}
			for y := range tc.h {
				for x := range tc.w {
					want := img.RGBAAt(x, y)
					if r, g, b, a := got.At(x, y).RGBA(); uint8(r>>8) != want.R || uint8(g>>8) != want.G || uint8(b>>8) != want.B || a != 0xffff {
						t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, got.At(x, y), want)
					}
				}
			}
		})
	}
}

func TestEncodeOpaqueOfASubImage(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	sub := img.SubImage(image.Rect(5, 7, 30, 33)).(*image.RGBA)
	got, err := png.Decode(bytes.NewReader(encodeOpaque(sub)))
	if err != nil {
		t.Fatal(err)
	}
	if got.Bounds().Dx() != 25 || got.Bounds().Dy() != 26 {
		t.Fatalf("size %v, want 25x26", got.Bounds())
	}
	r, g, b, a := got.At(0, 0).RGBA()
	w := sub.RGBAAt(5, 7)
	if uint8(r>>8) != w.R || uint8(g>>8) != w.G || uint8(b>>8) != w.B || uint8(a>>8) != w.A {
		t.Fatalf("first pixel %v, want %v", got.At(0, 0), w)
	}
}

func TestAdler32Combine(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range [][2]int{{0, 5}, {1, 0}, {100, 70000}, {65521, 65521}, {200000, 3}} {
		a, b := make([]byte, n[0]), make([]byte, n[1])
		for i := range a {
			a[i] = byte(rng.Uint32())
		}
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		want := adler32.Checksum(append(append([]byte{}, a...), b...))
		if got := adler32Combine(adler32.Checksum(a), adler32.Checksum(b), len(b)); got != want {
			t.Errorf("combine of %d and %d bytes = %08x, want %08x", n[0], n[1], got, want)
		}
	}
}

// Pages of different sizes come from one pool; each render must still get
// its own size and a clean background.
func TestRenderPNGReusesPagesOfTheRightSize(t *testing.T) {
	big := NewFigure()
	big.Width, big.Height = 300, 200
	small := Plot([]float64{1, 3, 2})
	small.Width, small.Height = 100, 50
	for _, f := range []*Figure{big, small, big, small} {
		b, err := f.PNG()
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		w, h := int(f.Width.Dots(2*96)+0.5), int(f.Height.Dots(2*96)+0.5)
		if img.Bounds().Dx() != w || img.Bounds().Dy() != h {
			t.Fatalf("PNG is %v, want %dx%d", img.Bounds(), w, h)
		}
		if r, g, b, _ := img.At(w-1, 0).RGBA(); r != 0xffff || g != 0xffff || b != 0xffff {
			t.Errorf("top-right pixel %v, want the white background", img.At(w-1, 0))
		}
	}
}
