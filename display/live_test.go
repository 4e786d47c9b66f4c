package display

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

func record(t *testing.T) *recorder {
	r := &recorder{}
	SetPublisher(r)
	t.Cleanup(func() { SetPublisher(nil) })
	return r
}

func TestHandleUpdatesInPlace(t *testing.T) {
	r := record(t)
	h := New(HTML("<i>1</i>"))
	h.Update(HTML("<i>2</i>"))
	other := New("x")
	if len(r.shown) != 3 || r.shown[1]["text/html"] != "<i>2</i>" {
		t.Fatalf("shown %v", r.shown)
	}
	if r.ids[0] != h.ID() || r.ids[1] != h.ID() || r.ids[2] == h.ID() || h.ID() == "" {
		t.Errorf("display ids %q (handle %q)", r.ids, h.ID())
	}
	if r.updates[0] || !r.updates[1] || r.updates[2] || other.ID() == "" {
		t.Errorf("update flags %v", r.updates)
	}
}

// TestRange: range over display.Range counts like range over an int and
// leaves a closed bar at the count reached, also after break.
func TestRange(t *testing.T) {
	r := record(t)
	var seen []int
	for i := range Range(3) {
		seen = append(seen, i)
	}
	if !reflect.DeepEqual(seen, []int{0, 1, 2}) {
		t.Errorf("counted %v", seen)
	}
	if got := r.shown[len(r.shown)-1]["text/plain"].(string); !strings.Contains(got, "3/3") {
		t.Errorf("final bar %q", got)
	}
	r = record(t)
	for i := range Range(10) {
		if i == 4 {
			break
		}
	}
	if got := r.shown[len(r.shown)-1]["text/plain"].(string); !strings.Contains(got, " 4/10 ") {
		t.Errorf("bar after break %q", got)
	}
}

func TestProgressBar(t *testing.T) {
	r := record(t)
	bar := Progress(4).Describe("epoch 1")
	for range 4 {
		bar.Add(1)
	}
	bar.Close()
	last := r.shown[len(r.shown)-1]
	text := last["text/plain"].(string)
	if !regexp.MustCompile(`^epoch 1: 100%\|█{20}\| 4/4 \[00:00<00:00, [0-9.]+it/s\]$`).MatchString(text) {
		t.Errorf("final text %q", text)
	}
	if html := last["text/html"].(string); !strings.Contains(html, `value="1.0000"`) || !strings.Contains(html, "4/4") {
		t.Errorf("final html %q", html)
	}
	for i, id := range r.ids {
		if id != r.ids[0] || (i > 0) != r.updates[i] {
			t.Fatalf("output %d: id %q update %v; the bar must update one output", i, id, r.updates[i])
		}
	}
	// A tight loop redraws at most every redrawEvery, plus the final state.
	r2 := record(t)
	fast := Progress(0)
	for range 100000 {
		fast.Add(1)
	}
	fast.Close()
	if len(r2.shown) > 10 {
		t.Errorf("100,000 steps drew %d times", len(r2.shown))
	}
	if got := r2.shown[len(r2.shown)-1]["text/plain"].(string); !strings.HasPrefix(got, "100000 [") {
		t.Errorf("unknown-total text %q", got)
	}
}

func TestClock(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "00:00", 65 * time.Second: "01:05", 3725 * time.Second: "1:02:05",
	} {
		if got := clock(d); got != want {
			t.Errorf("clock(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestLiveLossRedrawsOneOutput(t *testing.T) {
	r := record(t)
	curve := LiveLoss("loss")
	for step := range 50 {
		curve.Add(step, 1/float64(step+1))
	}
	curve.AddTo("validation", 49, 0.5)
	curve.Close()
	if len(r.shown) < 2 || len(r.shown) > 5 {
		t.Errorf("50 values drew %d times", len(r.shown))
	}
	last := r.shown[len(r.shown)-1]
	if _, ok := last["image/png"]; !ok {
		t.Fatal("no PNG")
	}
	if text := last["text/plain"].(string); !strings.Contains(text, "loss=0.02 (step 49)") || !strings.Contains(text, "validation=0.5") {
		t.Errorf("text %q", text)
	}
	for _, id := range r.ids {
		if id != r.ids[0] {
			t.Fatal("the curve drew into several outputs")
		}
	}
}
