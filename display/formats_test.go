package display

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

type card struct{ name string }

func (c card) HTML() string     { return "<b>" + c.name + "</b>" }
func (c card) Markdown() string { return "**" + c.name + "**" }
func (c card) String() string   { return "card " + c.name }

type dot struct{}

func (dot) PNG() []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 3, 2)))
	return b.Bytes()
}
func (dot) JSON() any { return map[string]int{"x": 1} }

func TestSingleFormatInterfaces(t *testing.T) {
	data, _ := Bundle(card{"ace"})
	want := map[string]any{"text/html": "<b>ace</b>", "text/markdown": "**ace**", "text/plain": "card ace"}
	if len(data) != len(want) {
		t.Errorf("bundle %v, want %v", data, want)
	}
	for k, v := range want {
		if data[k] != v {
			t.Errorf("%s = %v, want %v", k, data[k], v)
		}
	}

	data, meta := Bundle(dot{})
	if _, ok := data["image/png"].(string); !ok || data["application/json"] == nil || data["text/plain"] != "{}" {
		t.Errorf("bundle %v", data)
	}
	if size, _ := meta["image/png"].(map[string]any); size["width"] != 3 || size["height"] != 2 {
		t.Errorf("metadata %v", meta)
	}
}
