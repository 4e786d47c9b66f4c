package tensor

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestImageRoundTrip(t *testing.T) {
	x := Arange(24).To(Uint8).Reshape(2, 4, 3)
	img := x.ToImage()
	if got := FromImage(img); got.String() != x.String() {
		t.Errorf("RGB round trip: %v", got)
	}
	g := image.NewGray(image.Rect(0, 0, 2, 1))
	g.Pix[1] = 200
	if s := FromImage(g).String(); s != "tensor([[[  0,   0,   0],\n         [200, 200, 200]]], dtype=uint8)" {
		t.Errorf("gray: %s", s)
	}
	n := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	n.SetNRGBA(0, 0, color.NRGBA{R: 10, G: 20, B: 30, A: 0})
	if s := FromImage(n).String(); s != "tensor([[[10, 20, 30]]], dtype=uint8)" {
		t.Errorf("NRGBA drops alpha unblended: %s", s)
	}
	rgba := image.NewRGBA(image.Rect(0, 0, 3, 1))
	copy(rgba.Pix, []uint8{10, 20, 30, 255, 5, 10, 15, 128, 1, 2, 3, 0})
	generic := image.NewNRGBA(rgba.Rect)
	for x := 0; x < 3; x++ {
		generic.Set(x, 0, rgba.At(x, 0))
	}
	if a, b := FromImage(rgba), FromImage(generic); a.String() != b.String() {
		t.Errorf("RGBA fast path %v, generic %v", a, b)
	}
	if e := panicsWith(t, func() { Zeros(2, 2).ToImage() }); !strings.HasPrefix(e.Msg, "to_image(): expected a uint8 tensor") {
		t.Errorf("dtype error: %s", e.Msg)
	}
}

// TestFromImageMatchesPIL compares FromImage with numpy.asarray of PIL's
// RGB conversion for a PNG with alpha. It needs python3-pil and numpy.
func TestFromImageMatchesPIL(t *testing.T) {
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import PIL, numpy").Run() != nil {
		t.Skip("no PIL/NumPy at /usr/bin/python3")
	}
	m := image.NewNRGBA(image.Rect(0, 0, 5, 3))
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 37)
	}
	path := filepath.Join(t.TempDir(), "a.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, m); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command(py, "-c", `
import sys, numpy as np
from PIL import Image
a = np.asarray(Image.open(sys.argv[1]).convert("RGB"))
print(a.shape, a.reshape(-1).tolist())
`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	r, _ := os.Open(path)
	defer r.Close()
	img, err := png.Decode(r)
	if err != nil {
		t.Fatal(err)
	}
	x := FromImage(img)
	var parts []string
	for _, v := range x.Uint8s() {
		parts = append(parts, strconv.Itoa(int(v)))
	}
	want := "(3, 5, 3) [" + strings.Join(parts, ", ") + "]"
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("PIL: %s\ngonote: %s", got, want)
	}
}

// TestResize checks what the PyTorch cases (torch_cases_test.go) cannot:
// integer images and errors.
func TestResize(t *testing.T) {
	img := Arange(2*3*3).To(Uint8).Reshape(2, 3, 3)
	if got := img.ResizeHWC(4, 6); !slices.Equal(got.Shape(), []int{4, 6, 3}) || got.DType() != Uint8 {
		t.Errorf("ResizeHWC: %v %v", got.Shape(), got.DType())
	}
	if e := panicsWith(t, func() { Zeros(3, 4).Resize(0, 3) }); e.Msg != "Input and output sizes should be greater than 0, but got input (H: 3, W: 4) output (H: 0, W: 3)" {
		t.Errorf("empty size: %s", e.Msg)
	}
}
