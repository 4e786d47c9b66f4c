package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// decodePNG decodes the base64 image/png of a bundle.
func decodePNG(t *testing.T, data map[string]any) image.Image {
	t.Helper()
	s, ok := data["image/png"].(string)
	if !ok {
		t.Fatalf("no image/png in %v", keys(data))
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func keys(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	return k
}

func TestFiguresRenderAsPNGAtTwiceTheirPageSize(t *testing.T) {
	grid := NewSubplots(1, 2)
	grid.Set(0, 0, Plot([]float64{1, 3, 2}))
	grid.At(0, 1).Points("p", []int{1, 2}, []float32{3, 4})
	cases := []struct {
		name       string
		r          Renderer
		cssW, cssH int
	}{
		{"line of y", Plot([]float64{1, 4, 9, 16}).SetTitle("squares").SetLabels("n", "n²"), 576, 384},
		{"line of x, y", Plot([]int{1, 2, 3}, []float32{2, 4, 8}), 576, 384},
		{"two series", NewFigure().Line("a", []float64{1, 2}).Line("b", []float64{2, 1}), 576, 384},
		{"scatter", Scatter([]float64{1, 2, 3}, []float64{3, 1, 2}), 576, 384},
		{"histogram", Hist([]float64{1, 2, 2, 3, 3, 3, 4}, 4), 576, 384},
		{"bar", Bar([]float64{0.1, 0.7, 0.2}, "cat", "dog", "bird"), 576, 384},
		{"heatmap", Heatmap([][]float64{{1, 2, 3}, {4, 5, 6}}), 576, 384},
		{"constant heatmap", Heatmap([][]int{{7, 7}, {7, 7}}), 576, 384},
		{"empty figure", NewFigure(), 576, 384},
		{"subplots", grid, 768, 288},
	}
	for _, c := range cases {
		data, metadata := Bundle(c.r)
		img := decodePNG(t, data)
		if b := img.Bounds(); b.Dx() != 2*c.cssW || b.Dy() != 2*c.cssH {
			t.Errorf("%s: PNG is %dx%d, want %dx%d", c.name, b.Dx(), b.Dy(), 2*c.cssW, 2*c.cssH)
		}
		size := metadata["image/png"].(map[string]any)
		if size["width"] != c.cssW || size["height"] != c.cssH {
			t.Errorf("%s: metadata %v, want %dx%d", c.name, size, c.cssW, c.cssH)
		}
		if _, ok := data["text/plain"].(string); !ok {
			t.Errorf("%s: no text/plain fallback", c.name)
		}
	}
}

func TestFigureDrawsItsData(t *testing.T) {
	// A bar chart of one tall bar: the bar's colour covers part of the image.
	img := decodePNG(t, func() map[string]any { d, _ := Bundle(Bar([]float64{5})); return d }())
	want := palette[0]
	found := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			if color.RGBAModel.Convert(img.At(x, y)) == want {
				found++
			}
		}
	}
	if found < 100 {
		t.Errorf("the bar colour covers %d sampled pixels; the bar was not drawn", found)
	}
}

func TestFigureAsSVGIsXML(t *testing.T) {
	f := Plot([]float64{1, 2, 3}).SetTitle("a < b")
	f.AsSVG = true
	data, _ := Bundle(f)
	s, ok := data["image/svg+xml"].(string)
	if !ok {
		t.Fatalf("no image/svg+xml in %v", keys(data))
	}
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("SVG is not XML: %v", err)
			}
			break
		}
	}
}

func TestBadPlotArgumentsPanicWithAClearError(t *testing.T) {
	cases := []struct {
		f    func()
		want string
	}{
		{func() { Plot("abc") }, "want a slice of numbers, got string"},
		{func() { Plot([]float64{1}, []float64{1, 2}) }, "x has 1 values, y has 2"},
		{func() { Plot(1, 2, 3) }, "want y or x, y; got 3 arguments"},
		{func() { Heatmap([][]float64{{1, 2}, {3}}) }, "row 1 has 1 values, row 0 has 2"},
		{func() { Bar([]float64{1, 2}, "one") }, "1 labels for 2 values"},
		{func() { NewSubplots(1, 1).At(1, 0) }, "no cell (1, 0) in a 1 × 1 grid"},
	}
	for _, c := range cases {
		func() {
			defer func() {
				r := recover()
				if err, ok := r.(error); !ok || !strings.Contains(err.Error(), c.want) {
					t.Errorf("panic %v, want an error containing %q", r, c.want)
				}
			}()
			c.f()
		}()
	}
}

func TestMIMETypes(t *testing.T) {
	var pngBytes bytes.Buffer
	png.Encode(&pngBytes, image.NewRGBA(image.Rect(0, 0, 3, 2)))
	cases := []struct {
		r    Renderer
		mime string
		want any
	}{
		{Latex(`$x^2$`), "text/latex", `$x^2$`},
		{SVG(`<svg/>`), "image/svg+xml", `<svg/>`},
		{JSON(map[string]int{"a": 1}), "application/json", map[string]int{"a": 1}},
		{PNG(pngBytes.Bytes()), "image/png", base64.StdEncoding.EncodeToString(pngBytes.Bytes())},
		{Image(image.NewGray(image.Rect(0, 0, 4, 5))), "text/plain", "<image/png 4x5>"},
	}
	for _, c := range cases {
		data, _ := Bundle(c.r)
		got, _ := json.Marshal(data[c.mime])
		want, _ := json.Marshal(c.want)
		if !bytes.Equal(got, want) {
			t.Errorf("%T: %s = %s, want %s", c.r, c.mime, got, want)
		}
	}
	_, metadata := Bundle(PNG(pngBytes.Bytes()))
	if size := metadata["image/png"].(map[string]any); size["width"] != 3 || size["height"] != 2 {
		t.Errorf("PNG metadata %v", size)
	}
}

func TestFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		return p
	}
	cases := []struct {
		path, mime string
	}{
		{write("a.html", "<b>x</b>"), "text/html"},
		{write("a.md", "# x"), "text/markdown"},
		{write("a.svg", "<svg/>"), "image/svg+xml"},
		{write("a.json", `{"a": [1, 2]}`), "application/json"},
		{write("bad.json", `{"a": `), "text/plain"},
		{write("a.csv", "1,2\n"), "text/plain"},
	}
	for _, c := range cases {
		data, _ := Bundle(File(c.path))
		if _, ok := data[c.mime]; !ok {
			t.Errorf("%s: no %s in %v", filepath.Base(c.path), c.mime, keys(data))
		}
		if _, err := json.Marshal(data); err != nil {
			t.Errorf("%s: bundle cannot be sent: %v", filepath.Base(c.path), err)
		}
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "no-such-file") {
			t.Errorf("missing file: panic %v", r)
		}
	}()
	File(filepath.Join(dir, "no-such-file.png"))
}

func TestHeatmapPutsRowZeroOnTop(t *testing.T) {
	data, _ := Bundle(Heatmap([][]float64{{0, 0}, {1, 1}}))
	img := decodePNG(t, data)
	b := img.Bounds()
	at := func(fy float64) color.RGBA {
		return color.RGBAModel.Convert(img.At(b.Dx()*2/5, int(fy*float64(b.Dy())))).(color.RGBA)
	}
	top, bottom := at(0.25), at(0.65)
	if !(top.B > top.R && bottom.R > bottom.B) {
		t.Errorf("row 0 (low values, blue) should be on top: top %v, bottom %v", top, bottom)
	}
}

func TestImagesShowAsPNG(t *testing.T) {
	data, _ := Bundle(image.NewRGBA(image.Rect(0, 0, 7, 5)))
	if b := decodePNG(t, data).Bounds(); b.Dx() != 7 || b.Dy() != 5 {
		t.Errorf("image shown as %v", b)
	}
}

// An image.Rectangle is an image.Image too, but shows as its bounds.
func TestRectangleShowsAsText(t *testing.T) {
	data, _ := Bundle(image.Rect(0, 0, 96, 96))
	if len(data) != 1 || data["text/plain"] != "(0,0)-(96,96)" {
		t.Errorf("rectangle shown as %v", data)
	}
}
