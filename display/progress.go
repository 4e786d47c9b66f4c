package display

import (
	"fmt"
	"html"
	"strings"
	"sync"
	"time"
)

// ProgressBar is a progress bar updated in place, like tqdm.notebook: an HTML bar
// with count, elapsed time, rate and ETA, and a text fallback for consoles.
//
//	bar := display.Progress(len(batches))
//	for _, b := range batches {
//		train(b)
//		bar.Add(1)
//	}
//	bar.Close()
type ProgressBar struct {
	mu      sync.Mutex
	total   int
	n       int
	desc    string
	start   time.Time
	shown   time.Time
	handle  *Handle
	closed  bool
	elapsed time.Duration // frozen by Close
}

// redrawEvery limits updates so that a tight loop does not flood the frontend.
const redrawEvery = 100 * time.Millisecond

// Progress shows a progress bar for total steps (0 or less: unknown total).
func Progress(total int) *ProgressBar {
	p := &ProgressBar{total: total, start: time.Now()}
	p.shown = p.start
	p.handle = New(p)
	return p
}

// Range counts from 0 to n-1 with a progress bar, like tqdm(range(n)):
//
//	for epoch := range display.Range(10) {
//		train(epoch)
//	}
//
// The bar advances after each iteration and is closed when the loop ends,
// also by break.
func Range(n int) func(yield func(int) bool) {
	return func(yield func(int) bool) {
		bar := Progress(n)
		defer bar.Close()
		for i := range n {
			if !yield(i) {
				return
			}
			bar.Add(1)
		}
	}
}

// Describe sets the text shown before the bar and returns the bar.
func (p *ProgressBar) Describe(desc string) *ProgressBar {
	p.mu.Lock()
	p.desc = desc
	p.mu.Unlock()
	p.handle.Update(p)
	return p
}

// Add advances the bar by n steps.
func (p *ProgressBar) Add(n int) {
	p.mu.Lock()
	p.n += n
	p.mu.Unlock()
	p.redraw(false)
}

// Set moves the bar to step n.
func (p *ProgressBar) Set(n int) {
	p.mu.Lock()
	p.n = n
	p.mu.Unlock()
	p.redraw(false)
}

// Close draws the final state and stops the clock.
func (p *ProgressBar) Close() {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		p.elapsed = time.Since(p.start)
	}
	p.mu.Unlock()
	p.redraw(true)
}

func (p *ProgressBar) redraw(force bool) {
	p.mu.Lock()
	now := time.Now()
	due := force || now.Sub(p.shown) >= redrawEvery || (p.total > 0 && p.n >= p.total)
	if due {
		p.shown = now
	}
	p.mu.Unlock()
	if due {
		p.handle.Update(p)
	}
}

// state returns what the bar shows: fraction done (-1 unknown), and the
// "n/total [elapsed<eta, rate]" text.
func (p *ProgressBar) state() (desc string, frac float64, status string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := p.elapsed
	if !p.closed {
		elapsed = time.Since(p.start)
	}
	rate := float64(p.n) / elapsed.Seconds()
	frac = -1
	counts := fmt.Sprintf("%d", p.n)
	timing := clock(elapsed)
	if p.total > 0 {
		frac = min(float64(p.n)/float64(p.total), 1)
		counts = fmt.Sprintf("%d/%d", p.n, p.total)
		if rate > 0 {
			timing += "<" + clock(time.Duration(float64(max(p.total-p.n, 0))/rate*float64(time.Second)))
		} else {
			timing += "<?"
		}
	}
	rateText := "?it/s"
	if p.n > 0 && elapsed > 0 {
		rateText = fmt.Sprintf("%.2fit/s", rate)
	}
	return p.desc, frac, fmt.Sprintf("%s [%s, %s]", counts, timing, rateText)
}

// clock formats d as mm:ss, or h:mm:ss from an hour on, as tqdm does.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// String is the text bar: "desc: 42%|████▏     | 42/100 [00:03<00:04, 12.30it/s]".
func (p *ProgressBar) String() string {
	desc, frac, status := p.state()
	var b strings.Builder
	if desc != "" {
		b.WriteString(desc + ": ")
	}
	if frac >= 0 {
		const width = 20
		full := int(frac * width)
		fmt.Fprintf(&b, "%3.0f%%|%s%s| ", frac*100, strings.Repeat("█", full), strings.Repeat(" ", width-full))
	}
	b.WriteString(status)
	return b.String()
}

// MIMEBundle shows the bar as HTML with the text as fallback.
func (p *ProgressBar) MIMEBundle() (map[string]any, map[string]any) {
	desc, frac, status := p.state()
	bar := `<progress style="width:40ex; vertical-align:middle"></progress>`
	if frac >= 0 {
		bar = fmt.Sprintf(`<progress style="width:40ex; vertical-align:middle" value="%.4f" max="1"></progress> %.0f%%`, frac, frac*100)
	}
	label := ""
	if desc != "" {
		label = html.EscapeString(desc) + ": "
	}
	h := fmt.Sprintf(`<div style="font-family:monospace">%s%s %s</div>`, label, bar, html.EscapeString(status))
	return map[string]any{"text/html": h, "text/plain": p.String()}, nil
}
