package display

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig of JPEG files
	"image/png"
	"os"
	"path/filepath"
	"strings"
)

// Latex is LaTeX math shown rendered, e.g. Latex(`$e^{i\pi} + 1 = 0$`).
type Latex string

// MIMEBundle shows l as text/latex.
func (l Latex) MIMEBundle() (map[string]any, map[string]any) {
	return map[string]any{"text/latex": string(l), "text/plain": string(l)}, nil
}

// SVG is an SVG document shown as an image.
type SVG string

// MIMEBundle shows s as image/svg+xml.
func (s SVG) MIMEBundle() (map[string]any, map[string]any) {
	return map[string]any{"image/svg+xml": string(s), "text/plain": "<SVG image>"}, nil
}

// PNG is an encoded PNG image.
type PNG []byte

// MIMEBundle shows p as image/png, with its size as metadata.
func (p PNG) MIMEBundle() (map[string]any, map[string]any) {
	return encodedImage("image/png", p)
}

// JPEG is an encoded JPEG image.
type JPEG []byte

// MIMEBundle shows j as image/jpeg, with its size as metadata.
func (j JPEG) MIMEBundle() (map[string]any, map[string]any) {
	return encodedImage("image/jpeg", j)
}

func encodedImage(mime string, b []byte) (map[string]any, map[string]any) {
	data := map[string]any{mime: base64.StdEncoding.EncodeToString(b)}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		data["text/plain"] = fmt.Sprintf("<%s, %d bytes>", mime, len(b))
		return data, nil
	}
	data["text/plain"] = fmt.Sprintf("<%s %dx%d>", mime, cfg.Width, cfg.Height)
	return data, map[string]any{mime: map[string]any{"width": cfg.Width, "height": cfg.Height}}
}

// jsonValue is what JSON returns.
type jsonValue struct{ v any }

// JSON shows v (anything encoding/json can encode) as an expandable JSON tree.
func JSON(v any) Renderer { return jsonValue{v} }

// MIMEBundle shows the value as application/json.
func (j jsonValue) MIMEBundle() (map[string]any, map[string]any) {
	return map[string]any{"application/json": j.v, "text/plain": fmt.Sprintf("%v", j.v)}, nil
}

// Image shows an image.Image as a PNG.
func Image(img image.Image) Renderer {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(fmt.Errorf("display.Image: %w", err))
	}
	return PNG(b.Bytes())
}

// File shows a file by its extension: images, SVG, HTML, Markdown, JSON, LaTeX,
// else its text. It panics with the error if the file cannot be read, so that the
// cell that asked for it fails with the reason.
func File(path string) Renderer {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(fmt.Errorf("display.File: %w", err))
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		return PNG(b)
	case ".jpg", ".jpeg":
		return JPEG(b)
	case ".svg":
		return SVG(b)
	case ".html", ".htm":
		return HTML(b)
	case ".md", ".markdown":
		return Markdown(b)
	case ".tex":
		return Latex(b)
	case ".json":
		if json.Valid(b) {
			return rawJSON(b)
		}
	}
	return text(b)
}

// rawJSON is a JSON file's text; frontends parse it again for application/json.
type rawJSON []byte

func (r rawJSON) MIMEBundle() (map[string]any, map[string]any) {
	return map[string]any{"text/plain": string(r), "application/json": jsonText(r)}, nil
}

// jsonText lets JSON already encoded travel as itself inside a message.
type jsonText []byte

func (j jsonText) MarshalJSON() ([]byte, error) { return j, nil }

type text string

func (t text) MIMEBundle() (map[string]any, map[string]any) {
	return map[string]any{"text/plain": string(t)}, nil
}
