package backend

import "testing"

func TestBLASLayout(t *testing.T) {
	for _, c := range []struct {
		rows, cols, sr, sc int
		trans              bool
		ld                 int
		ok                 bool
	}{
		{3, 4, 4, 1, false, 4, true},  // contiguous
		{3, 4, 8, 1, false, 8, true},  // rows padded
		{3, 4, 1, 3, true, 3, true},   // a transposed view
		{1, 4, 0, 1, false, 4, true},  // one row, any row stride
		{3, 1, 1, 0, false, 1, true},  // one column
		{3, 4, 8, 2, false, 0, false}, // no unit stride: copy first
		{3, 4, 2, 1, false, 0, false}, // rows overlap
		{3, 4, 0, 1, false, 0, false}, // a broadcast row
	} {
		trans, ld, ok := BLASLayout(c.rows, c.cols, c.sr, c.sc)
		if trans != c.trans || ld != c.ld || ok != c.ok {
			t.Errorf("BLASLayout(%d, %d, %d, %d) = %v, %d, %v; want %v, %d, %v",
				c.rows, c.cols, c.sr, c.sc, trans, ld, ok, c.trans, c.ld, c.ok)
		}
	}
}
