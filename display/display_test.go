package display

import (
	"reflect"
	"testing"
)

type recorder struct {
	shown   []map[string]any
	ids     []string
	updates []bool
	cleared []bool
}

func (r *recorder) Display(data, metadata map[string]any, id string, update bool) {
	r.shown = append(r.shown, data)
	r.ids = append(r.ids, id)
	r.updates = append(r.updates, update)
}
func (r *recorder) ClearOutput(wait bool) { r.cleared = append(r.cleared, wait) }

type point struct{ X, Y int }

func TestBundle(t *testing.T) {
	cases := []struct {
		v    any
		want map[string]any
	}{
		{HTML("<b>x</b>"), map[string]any{"text/html": "<b>x</b>", "text/plain": "<b>x</b>"}},
		{Markdown("*x*"), map[string]any{"text/markdown": "*x*", "text/plain": "*x*"}},
		{point{1, 2}, map[string]any{"text/plain": "{1 2}"}},
		{42, map[string]any{"text/plain": "42"}},
	}
	for _, c := range cases {
		if got, _ := Bundle(c.v); !reflect.DeepEqual(got, c.want) {
			t.Errorf("Bundle(%#v) = %v, want %v", c.v, got, c.want)
		}
	}
}

func TestShowAndClearGoToThePublisher(t *testing.T) {
	r := &recorder{}
	SetPublisher(r)
	defer SetPublisher(nil)
	Show(HTML("<i>a</i>"), 7)
	Clear(true)
	if len(r.shown) != 2 || r.shown[0]["text/html"] != "<i>a</i>" || r.shown[1]["text/plain"] != "7" {
		t.Errorf("shown %v", r.shown)
	}
	if !reflect.DeepEqual(r.cleared, []bool{true}) {
		t.Errorf("cleared %v", r.cleared)
	}
	SetPublisher(nil)
	Show(1) // no publisher: nothing happens, nothing panics
}
