package tensor

import (
	"math"
	"strconv"
	"strings"
	"sync"
)

// SciMode chooses when floats print in scientific notation.
type SciMode int

// The scientific-notation modes.
const (
	SciAuto   SciMode = iota // PyTorch's rule: ratio of largest to smallest > 1000, largest > 1e8 or smallest < 1e-4
	SciAlways                // always scientific
	SciNever                 // never scientific
)

// PrintOptions control how tensors print, like torch.set_printoptions.
// Zero fields mean PyTorch's defaults, given in each field's comment.
type PrintOptions struct {
	Precision int     // digits after the decimal point; 0 means 4
	Threshold int     // elements above which a tensor is summarised with "..."; 0 means 1000
	EdgeItems int     // items kept at each end of a summarised dimension; 0 means 3
	LineWidth int     // characters per line; 0 means 80
	SciMode   SciMode // when to use scientific notation; zero is SciAuto
}

var printOpts struct {
	sync.RWMutex
	o PrintOptions
}

// SetPrintOptions sets how String prints tensors from now on, process-wide.
func SetPrintOptions(o PrintOptions) {
	printOpts.Lock()
	printOpts.o = o
	printOpts.Unlock()
}

// GetPrintOptions returns the options set by SetPrintOptions.
func GetPrintOptions() PrintOptions {
	printOpts.RLock()
	defer printOpts.RUnlock()
	return printOpts.o
}

func effectiveOptions() PrintOptions {
	o := GetPrintOptions()
	if o.Precision == 0 {
		o.Precision = 4
	}
	if o.Threshold == 0 {
		o.Threshold = 1000
	}
	if o.EdgeItems == 0 {
		o.EdgeItems = 3
	}
	if o.LineWidth == 0 {
		o.LineWidth = 80
	}
	return o
}

// String returns t in PyTorch's repr format: "tensor([[1., 2.],\n
// [3., 4.]])" with precision 4, summarisation past 1000 elements, the
// scientific switch and the dtype and device suffixes. The dtype suffix
// uses gonote's names (dtype=float64, not torch.float64) and is left out
// for Float32, Int64 and Bool, as in PyTorch.
func (t *Tensor) String() string {
	if t == nil || t.buf == nil {
		return "tensor(<nil>)"
	}
	o := effectiveOptions()
	const prefix = "tensor("
	indent := len(prefix)
	var suffixes []string
	if d := t.Device(); d.Type != "cpu" {
		suffixes = append(suffixes, "device='"+d.String()+"'")
	}
	var body string
	if t.Numel() == 0 {
		if t.Dim() != 1 {
			parts := make([]string, t.Dim())
			for i, s := range t.shape {
				parts[i] = strconv.Itoa(s)
			}
			tuple := "(" + strings.Join(parts, ", ") + ")"
			if t.Dim() == 1 {
				tuple = "(" + parts[0] + ",)"
			}
			suffixes = append(suffixes, "size="+tuple)
		}
		if t.dtype != Float32 {
			suffixes = append(suffixes, "dtype="+t.dtype.String())
		}
		body = "[]"
	} else {
		if t.dtype != Float32 && t.dtype != Int64 && t.dtype != Bool {
			suffixes = append(suffixes, "dtype="+t.dtype.String())
		}
		p := &printer{t: t.Detach().CPU(), o: o}
		body = p.tensorStr(indent)
	}
	if t.gradFn != nil {
		suffixes = append(suffixes, "grad_fn=<"+t.gradFn.name+">")
	} else if t.requiresGrad {
		suffixes = append(suffixes, "requires_grad=True")
	}
	return addSuffixes(prefix+body, suffixes, indent, o.LineWidth)
}

// addSuffixes appends ", suffix" items, wrapping past the line width (the
// arithmetic follows torch/_tensor_str.py, off-by-ones included). Lines
// break where PyTorch's do: a dtype suffix counts with PyTorch's longer
// "dtype=torch.float64" spelling.
func addSuffixes(s string, suffixes []string, indent, lineWidth int) string {
	var b strings.Builder
	b.WriteString(s)
	last := len(s) - strings.LastIndex(s, "\n") + 1
	for _, suf := range suffixes {
		n := len(suf)
		if strings.HasPrefix(suf, "dtype=") {
			n += len("torch.")
		}
		if last+n+2 > lineWidth {
			b.WriteString(",\n" + strings.Repeat(" ", indent) + suf)
			last = indent + n
		} else {
			b.WriteString(", " + suf)
			last += n + 2
		}
	}
	b.WriteString(")")
	return b.String()
}

// printer formats one CPU tensor.
type printer struct {
	t         *Tensor
	o         PrintOptions
	summarize bool
	// formatter state
	floating bool
	intMode  bool
	sci      bool
	width    int
}

// indices returns the positions printed along a dimension of size n; -1
// marks the "..." of a summarised dimension.
func (p *printer) indices(n int) []int {
	e := p.o.EdgeItems
	if p.summarize && n > 2*e {
		idx := make([]int, 0, 2*e+1)
		for i := 0; i < e; i++ {
			idx = append(idx, i)
		}
		idx = append(idx, -1)
		for i := n - e; i < n; i++ {
			idx = append(idx, i)
		}
		return idx
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// visit calls f with the offset of every printed element.
func (p *printer) visit(off, d int, f func(off int)) {
	t := p.t
	if d == t.Dim() {
		f(off)
		return
	}
	for _, i := range p.indices(t.shape[d]) {
		if i >= 0 {
			p.visit(off+i*t.strides[d], d+1, f)
		}
	}
}

func (p *printer) tensorStr(indent int) string {
	p.setup()
	return p.str(p.t.offset, 0, indent)
}

// setup is _Formatter.__init__: it chooses the format from the elements printed.
func (p *printer) setup() {
	p.summarize = p.t.Numel() > p.o.Threshold
	p.floating = p.t.dtype.IsFloat()
	p.intMode = true
	p.width = 1
	if !p.floating {
		p.visit(p.t.offset, 0, func(off int) {
			p.width = max(p.width, len(p.format(off, false)))
		})
	} else {
		var vals []float64
		p.visit(p.t.offset, 0, func(off int) {
			v := elemFloat(p.t.buf, off)
			if !math.IsInf(v, 0) && !math.IsNaN(v) && v != 0 {
				vals = append(vals, v)
			}
		})
		p.setupFloat(vals)
	}
}

// ElementFormatter formats single elements of a tensor exactly as String
// prints them: the precision, integer mode and scientific switch are chosen
// once over the whole tensor. Tables of tensor values (package display) use it.
type ElementFormatter struct {
	p *printer
}

// Formatter returns an ElementFormatter for t; a device tensor is copied to the
// CPU first.
func (t *Tensor) Formatter() *ElementFormatter {
	p := &printer{t: t.CPU(), o: effectiveOptions()}
	if p.t.Numel() > 0 {
		p.setup()
	}
	return &ElementFormatter{p: p}
}

// Format returns the text of the element at index (one index per dimension),
// without padding: "1.5000", "1.", "1.0000e-05", "nan", "True", "42".
func (f *ElementFormatter) Format(index ...int) string {
	t := f.p.t
	if len(index) != t.Dim() {
		fail(IndexError, "format", "Format: %d indices for a %d-dimensional tensor", len(index), t.Dim())
	}
	off := t.offset
	for d, i := range index {
		if i < 0 || i >= t.shape[d] {
			fail(IndexError, "format", "index %d is out of bounds for dimension %d with size %d", i, d, t.shape[d])
		}
		off += i * t.strides[d]
	}
	return f.p.format(off, false)
}

// setupFloat is _Formatter.__init__ for floating dtypes.
func (p *printer) setupFloat(vals []float64) {
	if len(vals) > 0 {
		lo, hi := math.Inf(1), 0.0
		for _, v := range vals {
			a := math.Abs(v)
			lo, hi = math.Min(lo, a), math.Max(hi, a)
			if v != math.Ceil(v) {
				p.intMode = false
			}
		}
		prec := p.o.Precision
		if p.intMode {
			if hi/lo > 1000 || hi > 1e8 {
				p.sci = true
				for _, v := range vals {
					p.width = max(p.width, len(fmtSci(v, prec)))
				}
			} else {
				for _, v := range vals {
					p.width = max(p.width, len(fmtFixed(v, 0))+1)
				}
			}
		} else {
			if hi/lo > 1000 || hi > 1e8 || lo < 1e-4 {
				p.sci = true
				for _, v := range vals {
					p.width = max(p.width, len(fmtSci(v, prec)))
				}
			} else {
				for _, v := range vals {
					p.width = max(p.width, len(fmtFixed(v, prec)))
				}
			}
		}
	}
	switch p.o.SciMode {
	case SciAlways:
		p.sci = true
	case SciNever:
		p.sci = false
	}
}

// format formats the element at off, padded to the common width if pad.
func (p *printer) format(off int, pad bool) string {
	var s string
	switch {
	case p.floating:
		v := elemFloat(p.t.buf, off)
		switch {
		case p.sci:
			s = fmtSci(v, p.o.Precision)
		case p.intMode:
			s = fmtFixed(v, 0)
			if !math.IsInf(v, 0) && !math.IsNaN(v) {
				s += "."
			}
		default:
			s = fmtFixed(v, p.o.Precision)
		}
	case p.t.dtype == Bool:
		s = "False"
		if elemFloat(p.t.buf, off) != 0 {
			s = "True"
		}
	default:
		s = strconv.FormatInt(elemInt(p.t.buf, off), 10)
	}
	if pad && len(s) < p.width {
		s = strings.Repeat(" ", p.width-len(s)) + s
	}
	return s
}

// str is _tensor_str_with_formatter from dimension d on.
func (p *printer) str(off, d, indent int) string {
	t := p.t
	dim := t.Dim() - d
	switch dim {
	case 0:
		return p.format(off, true)
	case 1:
		return p.vectorStr(off, d, indent)
	}
	var parts []string
	for _, i := range p.indices(t.shape[d]) {
		if i < 0 {
			parts = append(parts, "...")
			continue
		}
		parts = append(parts, p.str(off+i*t.strides[d], d+1, indent+1))
	}
	sep := "," + strings.Repeat("\n", dim-1) + strings.Repeat(" ", indent+1)
	return "[" + strings.Join(parts, sep) + "]"
}

func (p *printer) vectorStr(off, d, indent int) string {
	t := p.t
	elemLen := p.width + 2
	perLine := max(1, (p.o.LineWidth-indent)/elemLen)
	var data []string
	for _, i := range p.indices(t.shape[d]) {
		if i < 0 {
			data = append(data, " ...")
			continue
		}
		data = append(data, p.format(off+i*t.strides[d], true))
	}
	var lines []string
	for i := 0; i < len(data); i += perLine {
		lines = append(lines, strings.Join(data[i:min(i+perLine, len(data))], ", "))
	}
	return "[" + strings.Join(lines, ",\n"+strings.Repeat(" ", indent+1)) + "]"
}

// fmtFixed is Python's '{:.Nf}'.
func fmtFixed(v float64, prec int) string {
	if s, ok := nonFinite(v); ok {
		return s
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// fmtSci is Python's '{:.Ne}'.
func fmtSci(v float64, prec int) string {
	if s, ok := nonFinite(v); ok {
		return s
	}
	return strconv.FormatFloat(v, 'e', prec, 64)
}

func nonFinite(v float64) (string, bool) {
	switch {
	case math.IsNaN(v):
		return "nan", true
	case math.IsInf(v, 1):
		return "inf", true
	case math.IsInf(v, -1):
		return "-inf", true
	}
	return "", false
}
