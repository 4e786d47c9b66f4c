package display

import "fmt"

// Values that know one way to show themselves implement one or more of these
// interfaces, as Python objects define _repr_html_ or _repr_png_; Bundle puts
// each format the value has in its bundle, with text/plain from String or %v.
// A Renderer's MIMEBundle, when a value has one, takes precedence.
type (
	// HTMLRenderer shows itself as text/html.
	HTMLRenderer interface{ HTML() string }
	// MarkdownRenderer shows itself as text/markdown.
	MarkdownRenderer interface{ Markdown() string }
	// LatexRenderer shows itself as text/latex, e.g. "$x^2$".
	LatexRenderer interface{ Latex() string }
	// SVGRenderer shows itself as an SVG document.
	SVGRenderer interface{ SVG() string }
	// PNGRenderer shows itself as an encoded PNG image.
	PNGRenderer interface{ PNG() []byte }
	// JPEGRenderer shows itself as an encoded JPEG image.
	JPEGRenderer interface{ JPEG() []byte }
	// JSONRenderer shows itself as application/json: JSON returns a value
	// that encoding/json can encode.
	JSONRenderer interface{ JSON() any }
)

// formatBundle returns the bundle of the single-format interfaces v
// implements, or nil when it implements none.
func formatBundle(v any) (data, metadata map[string]any) {
	data = map[string]any{}
	add := func(d, m map[string]any) {
		for k, x := range d {
			if k != "text/plain" {
				data[k] = x
			}
		}
		for k, x := range m {
			if metadata == nil {
				metadata = map[string]any{}
			}
			metadata[k] = x
		}
	}
	if r, ok := v.(HTMLRenderer); ok {
		data["text/html"] = r.HTML()
	}
	if r, ok := v.(MarkdownRenderer); ok {
		data["text/markdown"] = r.Markdown()
	}
	if r, ok := v.(LatexRenderer); ok {
		data["text/latex"] = r.Latex()
	}
	if r, ok := v.(SVGRenderer); ok {
		data["image/svg+xml"] = r.SVG()
	}
	if r, ok := v.(PNGRenderer); ok {
		add(PNG(r.PNG()).MIMEBundle())
	}
	if r, ok := v.(JPEGRenderer); ok {
		add(JPEG(r.JPEG()).MIMEBundle())
	}
	if r, ok := v.(JSONRenderer); ok {
		data["application/json"] = r.JSON()
	}
	if len(data) == 0 {
		return nil, nil
	}
	if s, ok := v.(fmt.Stringer); ok {
		data["text/plain"] = s.String()
	} else {
		data["text/plain"] = plainText(v, data)
	}
	return data, metadata
}
