package display

import (
	"encoding/base64"
	"fmt"
	"sync"
	"time"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Subplots is a grid of figures shown as one image, like matplotlib's subplots.
type Subplots struct {
	Rows, Cols int
	// Width and Height are the size of one cell on the page.
	Width, Height vg.Length
	figures       []*Figure
}

// NewSubplots returns a rows × cols grid of empty figures.
func NewSubplots(rows, cols int) *Subplots {
	if rows < 1 || cols < 1 {
		panic(fmt.Errorf("display.NewSubplots: want at least 1 × 1, got %d × %d", rows, cols))
	}
	s := &Subplots{Rows: rows, Cols: cols, Width: 4 * vg.Inch, Height: 3 * vg.Inch}
	for range rows * cols {
		s.figures = append(s.figures, NewFigure())
	}
	return s
}

// At returns the figure in row r, column c, to draw on.
func (s *Subplots) At(r, c int) *Figure {
	return s.figures[s.index(r, c)]
}

// Set puts f in row r, column c.
func (s *Subplots) Set(r, c int, f *Figure) {
	s.figures[s.index(r, c)] = f
}

func (s *Subplots) index(r, c int) int {
	if r < 0 || r >= s.Rows || c < 0 || c >= s.Cols {
		panic(fmt.Errorf("display.Subplots: no cell (%d, %d) in a %d × %d grid", r, c, s.Rows, s.Cols))
	}
	return r*s.Cols + c
}

// PNG renders the grid at twice its page size.
func (s *Subplots) PNG() ([]byte, error) {
	w, h := s.Width*vg.Length(s.Cols), s.Height*vg.Length(s.Rows)
	return renderPNG(w, h, func(dc draw.Canvas) {
		tiles := draw.Tiles{Rows: s.Rows, Cols: s.Cols, PadX: vg.Millimeter, PadY: vg.Millimeter}
		for r := range s.Rows {
			for col := range s.Cols {
				s.At(r, col).draw(tiles.At(dc, col, r))
			}
		}
	})
}

// MIMEBundle shows the grid as a PNG.
func (s *Subplots) MIMEBundle() (map[string]any, map[string]any) {
	b, err := s.PNG()
	if err != nil {
		return map[string]any{"text/plain": "display: rendering PNG: " + err.Error()}, nil
	}
	size := map[string]any{
		"width":  int((s.Width * vg.Length(s.Cols)).Dots(cssDPI)),
		"height": int((s.Height * vg.Length(s.Rows)).Dots(cssDPI)),
	}
	return map[string]any{
		"image/png":  base64.StdEncoding.EncodeToString(b),
		"text/plain": fmt.Sprintf("<Subplots %d × %d>", s.Rows, s.Cols),
	}, map[string]any{"image/png": size}
}

// LossCurve is a live plot for training loops: one figure redrawn in place as
// values arrive, instead of a wall of printed numbers.
//
//	curve := display.LiveLoss("training loss")
//	for step := range steps {
//		curve.Add(step, loss)
//	}
//	curve.Close()
type LossCurve struct {
	mu      sync.Mutex
	title   string
	series  map[string]*lossSeries
	order   []string
	handle  *Handle
	shown   time.Time
	pending bool
}

type lossSeries struct{ x, y []float64 }

// redrawCurveEvery bounds redraws: a PNG takes milliseconds to render.
const redrawCurveEvery = 250 * time.Millisecond

// LiveLoss shows an empty curve titled title and returns it.
func LiveLoss(title string) *LossCurve {
	l := &LossCurve{title: title, series: map[string]*lossSeries{}}
	l.handle = New(l)
	l.shown = time.Now()
	return l
}

// Add appends (step, value) to the "loss" series.
func (l *LossCurve) Add(step int, value float64) {
	l.AddTo("loss", float64(step), value)
}

// AddTo appends (x, y) to the named series (e.g. "train" and "validation").
func (l *LossCurve) AddTo(name string, x, y float64) {
	l.mu.Lock()
	s := l.series[name]
	if s == nil {
		s = &lossSeries{}
		l.series[name] = s
		l.order = append(l.order, name)
	}
	s.x = append(s.x, x)
	s.y = append(s.y, y)
	l.pending = true
	due := time.Since(l.shown) >= redrawCurveEvery
	if due {
		l.shown = time.Now()
		l.pending = false
	}
	l.mu.Unlock()
	if due {
		l.handle.Update(l)
	}
}

// Close draws the values not shown yet.
func (l *LossCurve) Close() {
	l.mu.Lock()
	pending := l.pending
	l.pending = false
	l.mu.Unlock()
	if pending {
		l.handle.Update(l)
	}
}

// Figure returns the curve as a figure, to keep or customise.
func (l *LossCurve) Figure() *Figure {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := NewFigure().SetTitle(l.title).SetLabels("step", "")
	for _, name := range l.order {
		s := l.series[name]
		if len(s.x) == 0 {
			continue
		}
		label := name
		if len(l.order) == 1 {
			label = "" // one series needs no legend
		}
		f.Line(label, s.x, s.y)
	}
	return f
}

// MIMEBundle shows the curve as a PNG, and its last values as text.
func (l *LossCurve) MIMEBundle() (map[string]any, map[string]any) {
	data, metadata := l.Figure().MIMEBundle()
	l.mu.Lock()
	text := l.title
	for _, name := range l.order {
		if s := l.series[name]; len(s.y) > 0 {
			text += fmt.Sprintf(" %s=%.4g (step %g)", name, s.y[len(s.y)-1], s.x[len(s.x)-1])
		}
	}
	l.mu.Unlock()
	data["text/plain"] = text
	return data, metadata
}
