package tensor

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestNpyRoundTrip(t *testing.T) {
	cases := []*Tensor{
		Arange(float32(6)).Reshape(2, 3),
		Arange(6).To(Float64).Reshape(3, 2).T(), // non-contiguous
		New([]int64{-1, 1 << 40}),
		New([]int32{-7}),
		New([]uint8{0, 255}),
		New([][]bool{{true, false}}),
		New(float32(2.5)), // 0-d
		Zeros(0, 4),
	}
	for i, x := range cases {
		var buf bytes.Buffer
		if err := x.WriteNpy(&buf); err != nil {
			t.Fatal(err)
		}
		if pre := buf.Len() - x.Numel()*x.DType().Size(); pre%64 != 0 {
			t.Errorf("case %d: preamble of %d bytes is not a multiple of 64", i, pre)
		}
		y, err := ReadNpy(&buf)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if y.String() != x.String() {
			t.Errorf("case %d: round trip gave %v, want %v", i, y, x)
		}
	}
	bad := []struct {
		data string
		msg  string
	}{
		{"PK\x03\x04xxxx", "tensor: not a .npy file"},
		{"\x93NUMPY\x01\x00\x10\x00{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", "tensor: unsupported .npy dtype \">f4\""},
		{"\x93NUMPY\x01\x00\x10\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\x00\x00", "tensor: reading .npy data"},
	}
	for _, b := range bad {
		data := b.data
		if strings.Contains(data, "descr") {
			h := data[10:]
			data = data[:8] + string([]byte{byte(len(h) - strings.Count(h, "\x00")), 0}) + h
		}
		_, err := ReadNpy(strings.NewReader(data))
		if err == nil || !strings.HasPrefix(err.Error(), b.msg) {
			t.Errorf("ReadNpy(%q) error %v, want prefix %q", b.data, err, b.msg)
		}
	}
}

// TestNpyWithNumPy checks that NumPy reads gonote's files and gonote reads
// NumPy's (C and Fortran order). It needs Debian's python3-numpy.
func TestNpyWithNumPy(t *testing.T) {
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		t.Skip("no NumPy at /usr/bin/python3")
	}
	dir := t.TempDir()
	x := Arange(float32(6)).Reshape(2, 3).Div(4)
	ours := filepath.Join(dir, "ours.npy")
	if err := x.SaveNpy(ours); err != nil {
		t.Fatal(err)
	}
	script := `
import numpy as np, sys
a = np.load(sys.argv[1])
print(a.dtype, a.shape, a.tolist())
np.save(sys.argv[2], np.arange(6, dtype=np.int32).reshape(2, 3))
np.save(sys.argv[3], np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3)))
np.save(sys.argv[4], np.array([True, False]))
`
	out, err := exec.Command(py, "-c", script, ours, filepath.Join(dir, "c.npy"), filepath.Join(dir, "f.npy"), filepath.Join(dir, "b.npy")).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "float32 (2, 3) [[0.0, 0.25, 0.5], [0.75, 1.0, 1.25]]" {
		t.Errorf("NumPy read %q", got)
	}
	want := map[string]string{
		"c.npy": "tensor([[0, 1, 2],\n        [3, 4, 5]], dtype=int32)",
		"f.npy": "tensor([[0., 1., 2.],\n        [3., 4., 5.]], dtype=float64)",
		"b.npy": "tensor([ True, False])",
	}
	for name, w := range want {
		y, err := LoadNpy(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if y.String() != w {
			t.Errorf("%s: got %v, want %s", name, y, w)
		}
	}
	if _, err := LoadNpy(filepath.Join(dir, "missing.npy")); err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("missing file: %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

func TestWriteCSV(t *testing.T) {
	cases := []struct {
		x    *Tensor
		want string
	}{
		{New([][]float32{{0.1, 2}, {-3, 1e-7}}).T(), "0.1,-3\n2,1e-07\n"},
		{New([]int64{1, -2}), "1,-2\n"},
		{New([]bool{true, false}), "true,false\n"},
		{Zeros(0, 2), ""},
	}
	for _, c := range cases {
		var b bytes.Buffer
		if err := c.x.WriteCSV(&b); err != nil || b.String() != c.want {
			t.Errorf("WriteCSV(%v) = %q, %v; want %q", c.x, b.String(), err, c.want)
		}
	}
	if err := Zeros(2, 2, 2).WriteCSV(&bytes.Buffer{}); err == nil || err.Error() != "tensor: WriteCSV needs a 1-D or 2-D tensor, not shape [2, 2, 2]" {
		t.Errorf("3-D: %v", err)
	}
}
