package display

import (
	"math"
	"regexp"
	"strings"
	"testing"

	"gonote/tensor"
)

// cells returns the texts of the <td> elements of an HTML table, in order.
func cells(html string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<td>(.*?)</td>`).FindAllStringSubmatch(html, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestTensorTables(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	cases := []struct {
		name    string
		x       *tensor.Tensor
		cells   []string // the table cells, in order (nil: not checked)
		nCells  int
		caption string
		has     []string
	}{
		{"0-D", tensor.New(float32(2.5)), []string{"2.5000"}, 1, "shape () · float32 · cpu", nil},
		{"1-D ints", tensor.New([]int64{1, 20, 300}), []string{"1", "20", "300"}, 3, "shape (3,) · int64 · cpu", nil},
		{"2-D floats", tensor.New([][]float32{{1, 2}, {3, 4.5}}), []string{"1.0000", "2.0000", "3.0000", "4.5000"}, 4, "shape (2, 2) · float32 · cpu", []string{"<th>0</th>", "<th>1</th>"}},
		{"bools", tensor.New([]bool{true, false}), []string{"True", "False"}, 2, "bool", nil},
		{"nan and inf", tensor.New([]float32{nan, inf, 1.5}), []string{"nan", "inf", "1.5000"}, 3, "float32", nil},
		{"integer-valued floats", tensor.New([]float64{1, 2}), []string{"1.", "2."}, 2, "float64", nil},
		{"3-D", tensor.Arange(12).Reshape(2, 2, 3), nil, 12, "shape (2, 2, 3) · int64", []string{"<code>[0, :, :]</code>", "<code>[1, :, :]</code>"}},
		{"4-D", tensor.Zeros(2, 2, 1, 1), nil, 4, "shape (2, 2, 1, 1)", []string{"<code>[1, 1, :, :]</code>"}},
		{"huge", tensor.Zeros(1000, 1000), nil, 11 * 11, "shape (1000, 1000)", []string{"<th>…</th>", "<th>999</th>", "<td>…</td>"}},
		{"many slices", tensor.Zeros(10, 2, 2), nil, 6 * 4, "shape (10, 2, 2)", []string{"… 4 more slices …", "<code>[9, :, :]</code>"}},
		{"empty", tensor.Zeros(0, 3), nil, 1, "shape (0, 3)", []string{"empty"}},
		{"non-contiguous view", tensor.New([][]int32{{1, 2}, {3, 4}}).T(), []string{"1", "3", "2", "4"}, 4, "int32", nil},
	}
	for _, c := range cases {
		data, _ := Bundle(c.x)
		if data["text/plain"] != c.x.String() {
			t.Errorf("%s: text/plain %q, want the repr %q", c.name, data["text/plain"], c.x.String())
		}
		h := data["text/html"].(string)
		got := cells(h)
		if len(got) != c.nCells {
			t.Errorf("%s: %d cells, want %d:\n%s", c.name, len(got), c.nCells, h)
		}
		if c.cells != nil && strings.Join(got, "|") != strings.Join(c.cells, "|") {
			t.Errorf("%s: cells %q, want %q", c.name, got, c.cells)
		}
		for _, s := range append(c.has, c.caption) {
			if !strings.Contains(h, s) {
				t.Errorf("%s: table lacks %q:\n%.600s", c.name, s, h)
			}
		}
	}
}

func TestPlotsTakeTensors(t *testing.T) {
	for name, r := range map[string]Renderer{
		"plot":      Plot(tensor.Linspace(0, 1, 50).Pow(2)),
		"plot x, y": Plot(tensor.Arange(5), tensor.Arange(5).Mul(2)),
		"hist":      Hist(tensor.Randn(1000), 20),
		"heatmap":   Heatmap(tensor.Rand(8, 8)),
		"imshow":    Imshow(tensor.Eye(4).T()),
		"rgb hwc":   ImshowRGB(tensor.Rand(16, 12, 3)),
		"rgb chw":   ImshowRGB(tensor.RandInt(0, 256, 3, 16, 12).To(tensor.Uint8)),
	} {
		data, _ := Bundle(r)
		img := decodePNG(t, data)
		if img.Bounds().Dx() == 0 {
			t.Errorf("%s: empty image", name)
		}
		if name == "rgb chw" && (img.Bounds().Dx() != 12 || img.Bounds().Dy() != 16) {
			t.Errorf("CHW image is %v, want 12x16", img.Bounds())
		}
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), "want an image of shape") {
			t.Errorf("bad image shape: panic %v", r)
		}
	}()
	ImshowRGB(tensor.Zeros(4, 4))
}
