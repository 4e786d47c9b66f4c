package tensor

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// WriteCSV writes a 1-D tensor as one line, or a 2-D tensor as one line
// per row, of comma-separated values: floats in Go's shortest exact form,
// integers in decimal, bools as true and false. It copies the tensor to
// the CPU first if needed, and returns an error for other ranks or when
// writing fails.
func (t *Tensor) WriteCSV(w io.Writer) error {
	var rows *Tensor
	switch t.Dim() {
	case 1:
		rows = t.Unsqueeze(0)
	case 2:
		rows = t
	default:
		return fmt.Errorf("tensor: WriteCSV needs a 1-D or 2-D tensor, not shape %s", shapeString(t.shape))
	}
	x := rows.CPU()
	bw := bufio.NewWriter(w)
	var buf []byte
	for i := 0; i < x.shape[0]; i++ {
		buf = buf[:0]
		for j := 0; j < x.shape[1]; j++ {
			if j > 0 {
				buf = append(buf, ',')
			}
			off := x.offset + i*x.strides[0] + j*x.strides[1]
			switch {
			case x.dtype == Float32:
				buf = strconv.AppendFloat(buf, elemFloat(x.buf, off), 'g', -1, 32)
			case x.dtype == Float64:
				buf = strconv.AppendFloat(buf, elemFloat(x.buf, off), 'g', -1, 64)
			case x.dtype == Bool:
				buf = strconv.AppendBool(buf, elemFloat(x.buf, off) != 0)
			default:
				buf = strconv.AppendInt(buf, elemInt(x.buf, off), 10)
			}
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("tensor: writing CSV: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("tensor: writing CSV: %w", err)
	}
	return nil
}
