package dl

import (
	"slices"
	"testing"
)

func TestCandidates(t *testing.T) {
	glob := func(p string) ([]string, error) {
		if p == WheelGlobs[1] {
			return []string{"/usr/local/lib/python3.12/dist-packages/nvidia/cublas/lib/libcublas.so.12",
				"/usr/local/lib/python3.12/dist-packages/nvidia/cublas/lib/libcublas.so.13"}, nil
		}
		return nil, nil
	}
	for _, c := range []struct {
		env  string
		want []string
	}{
		{"", []string{"libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so",
			"/usr/local/lib/python3.12/dist-packages/nvidia/cublas/lib/libcublas.so.13",
			"/usr/local/lib/python3.12/dist-packages/nvidia/cublas/lib/libcublas.so.12"}},
		{"/opt/x/libcublas.so.13", []string{"/opt/x/libcublas.so.13", "libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so",
			"/usr/local/lib/python3.12/dist-packages/nvidia/cublas/lib/libcublas.so.13",
			"/usr/local/lib/python3.12/dist-packages/nvidia/cublas/lib/libcublas.so.12"}},
	} {
		got := Candidates(func(string) string { return c.env }, glob)
		if !slices.Equal(got, c.want) {
			t.Errorf("env %q:\n got %q\nwant %q", c.env, got, c.want)
		}
	}
}
