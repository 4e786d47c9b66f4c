package install

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
)

// The logo is the letters "go" in white on a Go-blue rounded square. Both the
// PNG and the SVG versions are drawn from the same geometry, in a 64×64 unit
// square: rings of radius 5 to 10 (an SVG circle of r 7.5, stroke 5).

var goBlue = color.RGBA{0x00, 0xAD, 0xD8, 0xFF}

// inSquare reports whether (x, y) lies on the rounded square (corner radius 14).
func inSquare(x, y float64) bool {
	const r = 14.0
	if x < 0 || x > 64 || y < 0 || y > 64 {
		return false
	}
	// Distance to the square shrunk by r, which is zero everywhere but the corners.
	cx := math.Max(r, math.Min(64-r, x))
	cy := math.Max(r, math.Min(64-r, y))
	return math.Hypot(x-cx, y-cy) <= r
}

// inGlyph reports whether (x, y) lies on the white "go".
func inGlyph(x, y float64) bool {
	ring := func(cx, cy float64) bool {
		d := math.Hypot(x-cx, y-cy)
		return d >= 5 && d <= 10
	}
	return ring(21, 28) || ring(43, 28) || // bowls of "g" and "o"
		(x >= 26 && x <= 31 && y >= 18 && y <= 40) || // stem of "g"
		(y >= 40 && ring(21, 40)) // tail of "g"
}

// LogoPNG returns the logo as a size×size PNG. Each pixel averages 4×4 samples,
// which smooths the edges without an antialiasing rasteriser.
func LogoPNG(size int) ([]byte, error) {
	const n = 4
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	scale := 64 / float64(size)
	for py := range size {
		for px := range size {
			var sq, fg int
			for sy := range n {
				for sx := range n {
					x := (float64(px) + (float64(sx)+0.5)/n) * scale
					y := (float64(py) + (float64(sy)+0.5)/n) * scale
					if inSquare(x, y) {
						sq++
						if inGlyph(x, y) {
							fg++
						}
					}
				}
			}
			// Premultiplied alpha: white over blue over transparent.
			mix := func(c uint8) uint8 { return uint8((int(c)*(sq-fg) + 255*fg) / (n * n)) }
			img.SetRGBA(px, py, color.RGBA{mix(goBlue.R), mix(goBlue.G), mix(goBlue.B), uint8(255 * sq / (n * n))})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// LogoSVG is the logo as SVG, the same shapes as LogoPNG draws.
const LogoSVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">
  <rect width="64" height="64" rx="14" fill="#00ADD8"/>
  <g fill="none" stroke="#FFFFFF" stroke-width="5">
    <circle cx="21" cy="28" r="7.5"/>
    <circle cx="43" cy="28" r="7.5"/>
    <path d="M28.5 40A7.5 7.5 0 0 1 13.5 40"/>
  </g>
  <rect x="26" y="18" width="5" height="22" fill="#FFFFFF"/>
</svg>
`
