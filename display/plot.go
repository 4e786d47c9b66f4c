package display

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	imagedraw "image/draw"
	"math"
	"reflect"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"gonote/tensor"
)

// Figure is a gonum plot that shows itself in the notebook. It embeds *plot.Plot,
// so everything gonum/plot offers (fig.Title.Text, fig.Add(...), fig.X.Min) works
// on it directly; the helpers below cover the common cases.
type Figure struct {
	*plot.Plot
	// Width and Height are the size on the page (default 6 × 4 in, 576 × 384 CSS px).
	Width, Height vg.Length
	// AsSVG renders the figure as SVG instead of a PNG.
	AsSVG bool

	colorBar *plotter.ColorBar // drawn beside the plot, for heatmaps
	series   int               // colours the next series
}

// NewFigure returns an empty figure.
func NewFigure() *Figure {
	p := plot.New()
	p.Legend.Top = true
	return &Figure{Plot: p, Width: 6 * vg.Inch, Height: 4 * vg.Inch}
}

// pngScale renders PNGs at twice their page size, so they stay sharp on
// high-density screens; metadata gives the page size in CSS pixels.
const (
	pngScale = 2
	cssDPI   = 96
)

// Plot draws a line: Plot(y) against 0, 1, 2, ... or Plot(x, y).
func Plot(xy ...any) *Figure {
	return NewFigure().Line("", xy...)
}

// Scatter draws points at (x[i], y[i]).
func Scatter(x, y any) *Figure {
	return NewFigure().Points("", x, y)
}

// Line adds a line series named label (no legend entry when empty); xy is y or x, y.
func (f *Figure) Line(label string, xy ...any) *Figure {
	pts := xyPoints("Line", xy)
	l, err := plotter.NewLine(pts)
	if err != nil {
		panic(fmt.Errorf("display: %w", err))
	}
	l.Color = f.nextColor()
	l.Width = vg.Points(1.5)
	f.Add(l)
	if label != "" {
		f.Legend.Add(label, l)
	}
	return f
}

// Points adds a scatter series named label.
func (f *Figure) Points(label string, x, y any) *Figure {
	s, err := plotter.NewScatter(xyPoints("Points", []any{x, y}))
	if err != nil {
		panic(fmt.Errorf("display: %w", err))
	}
	s.Color = f.nextColor()
	s.GlyphStyle.Radius = vg.Points(2.5)
	s.GlyphStyle.Shape = draw.CircleGlyph{}
	f.Add(s)
	if label != "" {
		f.Legend.Add(label, s)
	}
	return f
}

// Hist draws a histogram of values in bins equal-width bins.
func Hist(values any, bins int) *Figure {
	f := NewFigure()
	h, err := plotter.NewHist(plotter.Values(floats("Hist", values)), bins)
	if err != nil {
		panic(fmt.Errorf("display.Hist: %w", err))
	}
	h.FillColor = f.nextColor()
	h.LineStyle.Color = color.White
	f.Add(h)
	f.Y.Label.Text = "count"
	return f
}

// Bar draws one bar per value, labelled with labels when given.
func Bar(values any, labels ...string) *Figure {
	f := NewFigure()
	vs := floats("Bar", values)
	if len(labels) > 0 && len(labels) != len(vs) {
		panic(fmt.Errorf("display.Bar: %d labels for %d values", len(labels), len(vs)))
	}
	// Bars are polygons in data coordinates, so they keep their proportions in a
	// figure of any size (gonum's BarChart sizes bars in absolute units).
	fill := f.nextColor()
	for i, v := range vs {
		x := float64(i)
		bar, err := plotter.NewPolygon(plotter.XYs{{X: x - 0.4, Y: 0}, {X: x + 0.4, Y: 0}, {X: x + 0.4, Y: v}, {X: x - 0.4, Y: v}})
		if err != nil {
			panic(fmt.Errorf("display.Bar: %w", err))
		}
		bar.Color = fill
		bar.LineStyle.Width = 0
		f.Add(bar)
	}
	f.X.Min, f.X.Max = -0.6, float64(len(vs))-0.4
	f.X.Tick.Marker = indexTicks{n: len(vs), labels: labels}
	return f
}

// Heatmap draws a matrix (rows of equal length) as coloured cells with a colour
// bar, row 0 at the top like an image.
func Heatmap(matrix any) *Figure {
	g := newGrid(matrix)
	f := NewFigure()
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range g.v {
		if !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if lo > hi { // all NaN
		lo, hi = 0, 1
	}
	if lo == hi { // a constant matrix still gets a readable bar
		lo, hi = lo-0.5, hi+0.5
	}
	cmap := moreland.SmoothBlueRed()
	cmap.SetMin(lo)
	cmap.SetMax(hi)
	f.Add(&cellImage{grid: g, colors: cmap.Palette(255).Colors(), lo: lo, hi: hi})
	f.X.Tick.Marker = indexTicks{n: g.cols}
	f.Y.Tick.Marker = indexTicks{n: g.rows, downward: true}
	f.colorBar = &plotter.ColorBar{ColorMap: cmap, Vertical: true}
	return f
}

// cellImage draws a grid of values as one image with a pixel per device pixel,
// each taking its cell's colour: as exact as a rectangle per cell (gonum's vector
// heatmap) and as fast as an image, without the blur of a scaled-up raster.
type cellImage struct {
	grid
	colors []color.Color
	lo, hi float64
}

// Plot implements plot.Plotter.
func (m *cellImage) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	xmin, xmax, ymin, ymax := m.DataRange()
	rect := vg.Rectangle{Min: vg.Point{X: trX(xmin), Y: trY(ymin)}, Max: vg.Point{X: trX(xmax), Y: trY(ymax)}}
	// gonum nests draw.Canvas values; the device canvas is at the bottom.
	device := c.Canvas
	for {
		inner, ok := device.(draw.Canvas)
		if !ok {
			break
		}
		device = inner.Canvas
	}
	dpi := float64(cssDPI)
	if r, ok := device.(interface{ DPI() float64 }); ok {
		dpi = r.DPI()
	}
	w := max(int(rect.Size().X.Dots(dpi)+0.5), 1)
	h := max(int(rect.Size().Y.Dots(dpi)+0.5), 1)
	cellColor := make([]color.RGBA, len(m.v))
	scale := float64(len(m.colors)-1) / (m.hi - m.lo)
	for i, v := range m.v {
		if !math.IsNaN(v) { // NaN stays transparent
			cellColor[i] = color.RGBAModel.Convert(m.colors[int((v-m.lo)*scale+0.5)]).(color.RGBA)
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for py := range h {
		row := py * m.rows / h // image row 0 is the top, where grid row 0 is drawn
		line := img.Pix[py*img.Stride:]
		for px := range w {
			col := cellColor[row*m.cols+px*m.cols/w]
			line[4*px], line[4*px+1], line[4*px+2], line[4*px+3] = col.R, col.G, col.B, col.A
		}
	}
	// Copy the pixels straight into a raster canvas: its DrawImage resamples even
	// at scale 1, which costs more than drawing the rest of the figure.
	if raster, ok := device.(*vgimg.Canvas); ok {
		dst := raster.Image()
		x0 := int(rect.Min.X.Dots(dpi) + 0.5)
		y0 := dst.Bounds().Dy() - int(rect.Max.Y.Dots(dpi)+0.5) // vg's y grows upwards
		imagedraw.Draw(dst, image.Rect(x0, y0, x0+w, y0+h), img, image.Point{}, imagedraw.Src)
		return
	}
	c.DrawImage(rect, img)
}

// DataRange implements plot.DataRanger: cell centres are whole numbers.
func (m *cellImage) DataRange() (xmin, xmax, ymin, ymax float64) {
	return -0.5, float64(m.cols) - 0.5, -0.5, float64(m.rows) - 0.5
}

// SetTitle sets the title and returns f.
func (f *Figure) SetTitle(title string) *Figure {
	f.Title.Text = title
	return f
}

// SetLabels sets the axis labels and returns f.
func (f *Figure) SetLabels(x, y string) *Figure {
	f.X.Label.Text, f.Y.Label.Text = x, y
	return f
}

// palette is the series colours, matplotlib's tab10 so plots look familiar.
var palette = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
	{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255},
	{188, 189, 34, 255}, {23, 190, 207, 255},
}

func (f *Figure) nextColor() color.Color {
	c := palette[f.series%len(palette)]
	f.series++
	return c
}

// draw paints the figure, with its colour bar if it has one, on c.
func (f *Figure) draw(c draw.Canvas) {
	if f.colorBar == nil {
		f.Plot.Draw(c)
		return
	}
	bar := plot.New()
	bar.Add(f.colorBar)
	bar.HideX()
	bar.X.Padding = 0
	bar.Y.Padding = 0
	w := c.Max.X - c.Min.X
	main, side := c, c
	main.Max.X = c.Min.X + w*0.86
	side.Min.X = main.Max.X + w*0.02
	// The bar spans the heatmap's height, not the figure's.
	data := f.Plot.DataCanvas(main)
	side.Min.Y, side.Max.Y = data.Min.Y, data.Max.Y
	f.Plot.Draw(main)
	bar.Draw(side)
}

// PNG renders the figure at twice its page size.
func (f *Figure) PNG() ([]byte, error) {
	return renderPNG(f.Width, f.Height, f.draw)
}

// SVG renders the figure as an SVG document.
func (f *Figure) SVG() ([]byte, error) {
	c := vgsvg.New(f.Width, f.Height)
	f.draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// MIMEBundle shows the figure as a PNG (or SVG with AsSVG).
func (f *Figure) MIMEBundle() (map[string]any, map[string]any) {
	title := "Figure"
	if f.Title.Text != "" {
		title = fmt.Sprintf("Figure %q", f.Title.Text)
	}
	if f.AsSVG {
		b, err := f.SVG()
		if err != nil {
			return map[string]any{"text/plain": "display: rendering SVG: " + err.Error()}, nil
		}
		return map[string]any{"image/svg+xml": string(b), "text/plain": "<" + title + ">"}, nil
	}
	b, err := f.PNG()
	if err != nil {
		return map[string]any{"text/plain": "display: rendering PNG: " + err.Error()}, nil
	}
	size := map[string]any{"width": int(f.Width.Dots(cssDPI)), "height": int(f.Height.Dots(cssDPI))}
	return map[string]any{"image/png": base64.StdEncoding.EncodeToString(b), "text/plain": "<" + title + ">"},
		map[string]any{"image/png": size}
}

// floats converts a slice of numbers to float64s.
func floats(fn string, v any) []float64 {
	switch v := v.(type) {
	case []float64:
		return v
	case *tensor.Tensor:
		return tensorFloats(v)
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		panic(fmt.Errorf("display.%s: want a slice of numbers, got %T", fn, v))
	}
	out := make([]float64, rv.Len())
	for i := range out {
		e := rv.Index(i)
		switch {
		case e.CanFloat():
			out[i] = e.Float()
		case e.CanInt():
			out[i] = float64(e.Int())
		case e.CanUint():
			out[i] = float64(e.Uint())
		default:
			panic(fmt.Errorf("display.%s: want a slice of numbers, got %T", fn, v))
		}
	}
	return out
}

// xyPoints turns (y) or (x, y) arguments into points.
func xyPoints(fn string, xy []any) plotter.XYs {
	var xs, ys []float64
	switch len(xy) {
	case 1:
		ys = floats(fn, xy[0])
		xs = make([]float64, len(ys))
		for i := range xs {
			xs[i] = float64(i)
		}
	case 2:
		xs, ys = floats(fn, xy[0]), floats(fn, xy[1])
		if len(xs) != len(ys) {
			panic(fmt.Errorf("display.%s: x has %d values, y has %d", fn, len(xs), len(ys)))
		}
	default:
		panic(fmt.Errorf("display.%s: want y or x, y; got %d arguments", fn, len(xy)))
	}
	pts := make(plotter.XYs, len(xs))
	for i := range pts {
		pts[i] = plotter.XY{X: xs[i], Y: ys[i]}
	}
	return pts
}

// grid is a matrix of values, row after row.
type grid struct {
	rows, cols int
	v          []float64
}

func newGrid(m any) grid {
	if t, ok := m.(*tensor.Tensor); ok {
		if t.Dim() != 2 || t.Numel() == 0 {
			panic(fmt.Errorf("display.Heatmap: want a non-empty 2-D tensor, got shape %v", t.Shape()))
		}
		return grid{rows: t.Size(0), cols: t.Size(1), v: tensorFloats(t)}
	}
	rv := reflect.ValueOf(m)
	if rv.Kind() != reflect.Slice || rv.Len() == 0 {
		panic(fmt.Errorf("display.Heatmap: want a non-empty slice of rows, got %T", m))
	}
	g := grid{rows: rv.Len()}
	for r := range g.rows {
		row := floats("Heatmap", rv.Index(r).Interface())
		if r == 0 {
			g.cols = len(row)
		} else if len(row) != g.cols {
			panic(fmt.Errorf("display.Heatmap: row %d has %d values, row 0 has %d", r, len(row), g.cols))
		}
		g.v = append(g.v, row...)
	}
	if g.cols == 0 {
		panic(fmt.Errorf("display.Heatmap: rows are empty"))
	}
	return g
}

// indexTicks labels rows, columns or bars with whole indices (or the given
// labels), at most about 8 of them unless labelled.
type indexTicks struct {
	n        int
	labels   []string
	downward bool // index 0 at the top (the grid's Y)
}

func (t indexTicks) Ticks(_, _ float64) []plot.Tick {
	step := max(t.n/8, 1)
	if t.labels != nil {
		step = 1
	}
	var ticks []plot.Tick
	for i := 0; i < t.n; i += step {
		label := fmt.Sprint(i)
		if t.labels != nil {
			label = t.labels[i]
		}
		value := float64(i)
		if t.downward {
			value = float64(t.n - 1 - i)
		}
		ticks = append(ticks, plot.Tick{Value: value, Label: label})
	}
	return ticks
}
