package install

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"strings"
	"testing"
)

func TestLogoPNG(t *testing.T) {
	for _, size := range []int{32, 64} {
		b, err := LogoPNG(size)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("logo %d does not decode: %v", size, err)
		}
		if r := img.Bounds(); r.Dx() != size || r.Dy() != size {
			t.Fatalf("logo %d is %v", size, r)
		}
		// Corners are cut off by the rounding; an edge midpoint is solid blue.
		pixels := []struct {
			x, y       int
			r, g, b, a uint32
		}{
			{0, 0, 0, 0, 0, 0},
			{size - 1, size - 1, 0, 0, 0, 0},
			{size / 2, 0, 0x0000, 0xADAD, 0xD8D8, 0xFFFF},
		}
		for _, p := range pixels {
			r, g, b, a := img.At(p.x, p.y).RGBA()
			if r != p.r || g != p.g || b != p.b || a != p.a {
				t.Errorf("logo %d pixel (%d,%d) = %04x %04x %04x %04x, want %04x %04x %04x %04x",
					size, p.x, p.y, r, g, b, a, p.r, p.g, p.b, p.a)
			}
		}
	}
}

func TestLogoSVG(t *testing.T) {
	d := xml.NewDecoder(strings.NewReader(LogoSVG))
	var root *xml.StartElement
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == nil {
			se = se.Copy()
			root = &se
		}
	}
	if root == nil || root.Name.Local != "svg" || root.Name.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root element = %+v, want svg", root)
	}
	attrs := map[string]string{}
	for _, a := range root.Attr {
		attrs[a.Name.Local] = a.Value
	}
	for k, v := range map[string]string{"width": "64", "height": "64", "viewBox": "0 0 64 64"} {
		if attrs[k] != v {
			t.Errorf("svg %s = %q, want %q", k, attrs[k], v)
		}
	}
}
