package display

import (
	"fmt"
	"html"
	"strconv"
	"strings"

	"gonote/tensor"
)

// Table limits: past them a tensor's table shows its first and last rows,
// columns and 2-D slices around a "…", as pandas and PyTorch do.
const (
	maxTableRows   = 20 // rows shown in full up to this many
	maxTableCols   = 20
	maxTableSlices = 6
	tableEdge      = 5 // rows or columns kept at each end when truncated
)

// tensorBundle shows t as PyTorch's repr (text/plain) and as an HTML table of its
// values at print precision, with a caption giving shape, dtype, device and
// gradient information. Device tensors are copied to the host for display.
func tensorBundle(t *tensor.Tensor) (map[string]any, map[string]any) {
	return map[string]any{"text/plain": t.String(), "text/html": tensorHTML(t)}, nil
}

func tensorHTML(t *tensor.Tensor) string {
	var b strings.Builder
	b.WriteString(`<div class="gonote-tensor">`)
	b.WriteString(`<style>.gonote-tensor table{border-collapse:collapse;font-variant-numeric:tabular-nums}` +
		`.gonote-tensor td{text-align:right;padding:0.15em 0.6em}` +
		`.gonote-tensor th{text-align:right;padding:0.15em 0.6em;color:#666;font-weight:normal}` +
		`.gonote-tensor caption{caption-side:bottom;text-align:left;color:#666;font-size:90%}</style>`)
	shape := t.Shape()
	f := t.Formatter()
	switch {
	case t.Numel() == 0:
		fmt.Fprintf(&b, "<table><tr><td><i>empty</i></td></tr><caption>%s</caption></table>", caption(t))
	case len(shape) <= 2:
		matrixTable(&b, f, shape, nil, caption(t))
	default:
		// A list of 2-D slices, each headed by its index: [0, 1, :, :].
		lead := shape[:len(shape)-2]
		count := 1
		for _, n := range lead {
			count *= n
		}
		shown := edges(count, maxTableSlices, maxTableSlices/2)
		for _, k := range shown {
			if k < 0 {
				fmt.Fprintf(&b, "<p>… %d more slices …</p>", count-len(shown)+1)
				continue
			}
			idx := unravel(k, lead)
			label := make([]string, len(shape))
			for d := range label {
				label[d] = ":"
				if d < len(idx) {
					label[d] = strconv.Itoa(idx[d])
				}
			}
			fmt.Fprintf(&b, "<p><code>[%s]</code></p>", strings.Join(label, ", "))
			matrixTable(&b, f, shape[len(shape)-2:], idx, "")
		}
		fmt.Fprintf(&b, "<p><small>%s</small></p>", caption(t))
	}
	b.WriteString("</div>")
	return b.String()
}

// matrixTable writes the table of a 0-D, 1-D or 2-D block; prefix indexes the
// block inside a larger tensor.
func matrixTable(b *strings.Builder, f *tensor.ElementFormatter, shape, prefix []int, caption string) {
	rows, cols := 1, 1
	switch len(shape) {
	case 1:
		cols = shape[0]
	case 2:
		rows, cols = shape[0], shape[1]
	}
	cell := func(r, c int) string {
		idx := append(append([]int(nil), prefix...), []int{r, c}[2-len(shape):]...)
		return html.EscapeString(f.Format(idx...))
	}
	rowIdx := edges(rows, maxTableRows, tableEdge)
	colIdx := edges(cols, maxTableCols, tableEdge)
	b.WriteString("<table>")
	if len(shape) > 0 {
		b.WriteString("<thead><tr>")
		if len(shape) == 2 {
			b.WriteString("<th></th>")
		}
		for _, c := range colIdx {
			b.WriteString("<th>" + indexLabel(c) + "</th>")
		}
		b.WriteString("</tr></thead>")
	}
	b.WriteString("<tbody>")
	for _, r := range rowIdx {
		b.WriteString("<tr>")
		if len(shape) == 2 {
			b.WriteString("<th>" + indexLabel(r) + "</th>")
		}
		for _, c := range colIdx {
			if r < 0 || c < 0 {
				b.WriteString("<td>…</td>")
				continue
			}
			b.WriteString("<td>" + cell(r, c) + "</td>")
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody>")
	if caption != "" {
		b.WriteString("<caption>" + caption + "</caption>")
	}
	b.WriteString("</table>")
}

func indexLabel(i int) string {
	if i < 0 {
		return "…"
	}
	return strconv.Itoa(i)
}

// edges returns 0..n-1, or when n > limit the first and last keep indices
// with -1 standing for the ones left out.
func edges(n, limit, keep int) []int {
	var idx []int
	if n <= limit {
		for i := range n {
			idx = append(idx, i)
		}
		return idx
	}
	for i := range keep {
		idx = append(idx, i)
	}
	idx = append(idx, -1)
	for i := n - keep; i < n; i++ {
		idx = append(idx, i)
	}
	return idx
}

// unravel turns a flat index into indices of shape, last dimension fastest.
func unravel(k int, shape []int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = k % shape[d]
		k /= shape[d]
	}
	return idx
}

// caption is the line under a table: "shape (2, 3) · float32 · cpu".
func caption(t *tensor.Tensor) string {
	dims := make([]string, len(t.Shape()))
	for i, n := range t.Shape() {
		dims[i] = strconv.Itoa(n)
	}
	shape := "(" + strings.Join(dims, ", ") + ")"
	if len(dims) == 1 {
		shape = "(" + dims[0] + ",)"
	}
	text := fmt.Sprintf("shape %s · %s · %s", shape, t.DType(), t.Device())
	switch {
	case t.GradFn() != nil:
		text += " · grad_fn=" + html.EscapeString(t.GradFn().Name())
	case t.RequiresGrad():
		text += " · requires_grad"
	}
	return text
}

// tensorFloats returns t's values as float64s, flattened, for plots. Plotting
// reads values only, so a tensor that requires grad is detached first.
func tensorFloats(t *tensor.Tensor) []float64 {
	return t.Detach().CPU().To(tensor.Float64).Contiguous().Flatten().Float64s()
}

// Imshow shows a 2-D tensor (or matrix) as an image of its values with a colour
// bar, like plt.imshow followed by plt.colorbar.
func Imshow(matrix any) *Figure {
	return Heatmap(matrix)
}

// ImshowRGB shows an RGB image tensor: HWC (height, width, 3) or CHW (3, height,
// width), as uint8 values or as floats in [0, 1] (clipped), as PyTorch and
// matplotlib users hold images.
func ImshowRGB(img *tensor.Tensor) Renderer {
	t := img.Detach().CPU()
	shape := t.Shape()
	switch {
	case len(shape) == 3 && shape[2] == 3:
	case len(shape) == 3 && shape[0] == 3:
		t = t.Permute(1, 2, 0) // CHW -> HWC
	default:
		panic(fmt.Errorf("display.ImshowRGB: want an image of shape (H, W, 3) or (3, H, W), got %v", shape))
	}
	if t.DType() != tensor.Uint8 {
		t = t.To(tensor.Float32).Mul(255).Round().Clamp(0, 255).To(tensor.Uint8)
	}
	return Image(t.Contiguous().ToImage())
}
