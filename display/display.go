// Package display shows values in the notebook as rich output: MIME bundles that
// Jupyter renders as HTML, Markdown, images and more.
//
// Cells call Show to publish a display_data message while they run; a value that
// implements Renderer is also shown richly when it is the last expression of a cell.
// The kernel side installs a Publisher for the running cell (SetPublisher).
package display

import (
	"fmt"
	"image"
	"reflect"
	"sort"
	"sync"

	"gonote/tensor"
)

// Renderer is implemented by values that know how to show themselves. MIMEBundle
// returns data keyed by MIME type ("text/html", "image/png", ...) and metadata keyed
// the same way (nil for none). Include "text/plain" so every frontend shows something.
type Renderer interface {
	MIMEBundle() (data, metadata map[string]any)
}

// Publisher sends bundles to the frontend. The interpreter installs one that
// publishes to the running cell.
type Publisher interface {
	Display(data, metadata map[string]any, displayID string, update bool)
	ClearOutput(wait bool)
}

var (
	mu        sync.Mutex
	publisher Publisher
)

// SetPublisher installs p as the destination of Show and Clear; nil discards output.
func SetPublisher(p Publisher) {
	mu.Lock()
	publisher = p
	mu.Unlock()
}

func current() Publisher {
	mu.Lock()
	defer mu.Unlock()
	return publisher
}

// Bundle returns the MIME bundle of v: a table and PyTorch's repr for a tensor,
// a PNG for an image.Image, its own for a Renderer, the formats of the
// single-format interfaces it implements (HTMLRenderer, PNGRenderer, ...), else
// text/plain as fmt's %v prints it.
func Bundle(v any) (data, metadata map[string]any) {
	switch x := v.(type) {
	case *tensor.Tensor:
		if x != nil {
			return tensorBundle(x)
		}
	case image.Rectangle:
		// A Rectangle is an image.Image too (an infinite mask), but people
		// print it as bounds: (0,0)-(96,96).
		return map[string]any{"text/plain": x.String()}, nil
	case image.Image:
		return Image(x).MIMEBundle()
	}
	if r, ok := v.(Renderer); ok {
		data, metadata = r.MIMEBundle()
		if data == nil {
			data = map[string]any{}
		}
		if _, ok := data["text/plain"]; !ok {
			data["text/plain"] = plainText(v, data)
		}
		return data, metadata
	}
	if data, metadata := formatBundle(v); data != nil {
		return data, metadata
	}
	return map[string]any{"text/plain": fmt.Sprintf("%v", v)}, nil
}

// plainText is the text/plain fallback of a Renderer's bundle. A value of a
// type declared in a cell arrives wrapped by the interpreter, in a struct whose
// first field is IValue, and %v of the wrapper means nothing to the user (nor
// does IValue, which yaegi does not always fill with the value): it is named by
// its first MIME type instead.
func plainText(v any, data map[string]any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Struct || rv.NumField() == 0 || rv.Type().Field(0).Name != "IValue" {
		return fmt.Sprintf("%v", v)
	}
	mimes := make([]string, 0, len(data))
	for m := range data {
		mimes = append(mimes, m)
	}
	if len(mimes) == 0 {
		return "<no output>"
	}
	sort.Strings(mimes)
	return "<" + mimes[0] + " output>"
}

// Show displays each value as its own output, like IPython's display().
func Show(values ...any) {
	p := current()
	if p == nil {
		return
	}
	for _, v := range values {
		data, metadata := Bundle(v)
		p.Display(data, metadata, "", false)
	}
}

// Clear clears the cell's output, at once or (wait) when new output arrives,
// like IPython's clear_output.
func Clear(wait bool) {
	if p := current(); p != nil {
		p.ClearOutput(wait)
	}
}

// HTML is HTML text shown rendered.
type HTML string

// MIMEBundle shows h as text/html.
func (h HTML) MIMEBundle() (map[string]any, map[string]any) {
	return map[string]any{"text/html": string(h), "text/plain": string(h)}, nil
}

// Markdown is Markdown text shown rendered.
type Markdown string

// MIMEBundle shows m as text/markdown.
func (m Markdown) MIMEBundle() (map[string]any, map[string]any) {
	return map[string]any{"text/markdown": string(m), "text/plain": string(m)}, nil
}
