package tensor

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"gonote/tensor/cpu"
)

// npyDescr maps dtypes to NumPy's type descriptors.
var npyDescr = map[DType]string{Float32: "<f4", Float64: "<f8", Int64: "<i8", Int32: "<i4", Uint8: "|u1", Bool: "|b1"}

// npyHeader returns the .npy preamble for dtype and shape (format 1.0, or
// 2.0 when the header does not fit 1.0's 16-bit length), padded to a
// multiple of 64 bytes as NumPy writes it.
func npyHeader(dt DType, shape []int) []byte {
	dims := make([]string, len(shape))
	for i, s := range shape {
		dims[i] = strconv.Itoa(s)
	}
	tuple := "(" + strings.Join(dims, ", ") + ")"
	if len(shape) == 1 {
		tuple = "(" + dims[0] + ",)"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", npyDescr[dt], tuple)
	for _, v := range []struct {
		major, lenBytes int
	}{{1, 2}, {2, 4}} {
		pre := 6 + 2 + v.lenBytes
		total := pre + len(dict) + 1
		pad := (64 - total%64) % 64
		hlen := len(dict) + pad + 1
		if v.lenBytes == 2 && hlen > math.MaxUint16 {
			continue
		}
		b := []byte("\x93NUMPY")
		b = append(b, byte(v.major), 0)
		if v.lenBytes == 2 {
			b = binary.LittleEndian.AppendUint16(b, uint16(hlen))
		} else {
			b = binary.LittleEndian.AppendUint32(b, uint32(hlen))
		}
		b = append(b, dict...)
		b = append(b, strings.Repeat(" ", pad)...)
		return append(b, '\n')
	}
	panic("unreachable")
}

// WriteNpy writes t to w in NumPy's .npy format (C order, little endian),
// copying it to the CPU first if needed.
func (t *Tensor) WriteNpy(w io.Writer) error {
	x := t.CPU().Contiguous()
	bw := bufio.NewWriter(w)
	if _, err := bw.Write(npyHeader(t.dtype, t.shape)); err != nil {
		return fmt.Errorf("tensor: writing .npy header: %w", err)
	}
	var buf [8]byte
	n := x.Numel()
	data := x.buf.(*cpu.Buffer).Data()
	for i := x.offset; i < x.offset+n; i++ {
		var b []byte
		switch d := data.(type) {
		case []float32:
			b = binary.LittleEndian.AppendUint32(buf[:0], math.Float32bits(d[i]))
		case []float64:
			b = binary.LittleEndian.AppendUint64(buf[:0], math.Float64bits(d[i]))
		case []int64:
			b = binary.LittleEndian.AppendUint64(buf[:0], uint64(d[i]))
		case []int32:
			b = binary.LittleEndian.AppendUint32(buf[:0], uint32(d[i]))
		case []uint8:
			b = append(buf[:0], d[i])
		case []bool:
			b = buf[:1]
			b[0] = 0
			if d[i] {
				b[0] = 1
			}
		}
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("tensor: writing .npy data: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("tensor: writing .npy data: %w", err)
	}
	return nil
}

// SaveNpy writes t to the file path in NumPy's .npy format, readable by
// numpy.load.
func (t *Tensor) SaveNpy(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("tensor: %w", err)
	}
	if err := t.WriteNpy(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("tensor: %w", err)
	}
	return nil
}

// LoadNpy reads a .npy file written by numpy.save (or SaveNpy) into a new
// CPU tensor; see [ReadNpy].
func LoadNpy(path string) (*Tensor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tensor: %w", err)
	}
	defer f.Close()
	t, err := ReadNpy(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("%w (reading %s)", err, path)
	}
	return t, nil
}

// ReadNpy reads one array in NumPy's .npy format (versions 1.0 to 3.0) from
// r. It supports the descriptors <f4, <f8, <i8, <i4, |u1 and |b1 (and '='
// or '|' for native order) in C or Fortran order. It returns an error for
// a malformed file, a big-endian or unsupported dtype, or a short read.
func ReadNpy(r io.Reader) (*Tensor, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("tensor: reading .npy magic: %w", err)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, fmt.Errorf("tensor: not a .npy file (bad magic %q)", pre[:6])
	}
	var hlen int
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("tensor: reading .npy header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("tensor: reading .npy header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
	default:
		return nil, fmt.Errorf("tensor: unsupported .npy version %d.%d", pre[6], pre[7])
	}
	hb := make([]byte, hlen)
	if _, err := io.ReadFull(r, hb); err != nil {
		return nil, fmt.Errorf("tensor: reading .npy header: %w", err)
	}
	descr, fortran, shape, err := parseNpyHeader(string(hb))
	if err != nil {
		return nil, err
	}
	var dt DType
	found := false
	for d, s := range npyDescr {
		if s[1:] == descr[1:] && (descr[0] == '<' || descr[0] == '|' || descr[0] == '=') {
			dt, found = d, true
		}
	}
	if !found {
		return nil, fmt.Errorf("tensor: unsupported .npy dtype %q (gonote reads <f4, <f8, <i8, <i4, |u1 and |b1)", descr)
	}
	var n int
	if err := Catch(func() {
		n = checkShape("load_npy", shape)
		checkMemory("load_npy", Device{Type: "cpu"}, dt, n)
	}); err != nil {
		return nil, err
	}
	raw := make([]byte, n*dt.Size())
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, fmt.Errorf("tensor: reading .npy data (%d bytes for shape %v): %w", len(raw), shape, err)
	}
	data := cpu.MakeSlice(dt, n)
	switch d := data.(type) {
	case []float32:
		for i := range d {
			d[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	case []float64:
		for i := range d {
			d[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
		}
	case []int64:
		for i := range d {
			d[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
		}
	case []int32:
		for i := range d {
			d[i] = int32(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	case []uint8:
		copy(d, raw)
	case []bool:
		for i := range d {
			d[i] = raw[i] != 0
		}
	}
	if !fortran {
		return fromHost(data, shape), nil
	}
	rev := make([]int, len(shape))
	for i, s := range shape {
		rev[len(shape)-1-i] = s
	}
	return fromHost(data, rev).T().Contiguous(), nil
}

// parseNpyHeader reads the Python dict literal of a .npy header.
func parseNpyHeader(h string) (descr string, fortran bool, shape []int, err error) {
	bad := func(what string) error { return fmt.Errorf("tensor: malformed .npy header (%s): %q", what, h) }
	field := func(key string) (string, bool) {
		i := strings.Index(h, "'"+key+"'")
		if i < 0 {
			return "", false
		}
		rest := strings.TrimSpace(h[i+len(key)+2:])
		if !strings.HasPrefix(rest, ":") {
			return "", false
		}
		return strings.TrimSpace(rest[1:]), true
	}
	v, ok := field("descr")
	if !ok || len(v) < 2 || v[0] != '\'' {
		return "", false, nil, bad("descr")
	}
	end := strings.IndexByte(v[1:], '\'')
	if end < 0 {
		return "", false, nil, bad("descr")
	}
	descr = v[1 : end+1]
	if len(descr) < 2 {
		return "", false, nil, bad("descr")
	}
	v, ok = field("fortran_order")
	switch {
	case ok && strings.HasPrefix(v, "True"):
		fortran = true
	case ok && strings.HasPrefix(v, "False"):
	default:
		return "", false, nil, bad("fortran_order")
	}
	v, ok = field("shape")
	if !ok || !strings.HasPrefix(v, "(") {
		return "", false, nil, bad("shape")
	}
	rp := strings.IndexByte(v, ')')
	if rp < 0 {
		return "", false, nil, bad("shape")
	}
	shape = []int{}
	for _, p := range strings.Split(v[1:rp], ",") {
		p = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p), "L"))
		if p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return "", false, nil, bad("shape")
		}
		shape = append(shape, n)
	}
	return descr, fortran, shape, nil
}
