package tensor

import (
	"fmt"
	"html"
	"strings"
)

// GraphView is a drawing of the autograd graph recorded for a tensor, made
// by [Graph]. Notebooks show it as SVG through its MIMEBundle method.
type GraphView struct {
	svg string
}

// Graph returns a drawing of the graph that produced t, like torchviz's
// make_dot: one box per node (named as in GradFn, such as MulBackward0),
// leaves that require grad as blue AccumulateGrad boxes with their shapes,
// and t itself as a green box at the bottom; arrows follow the forward
// direction. A tensor without history draws as a single box.
func Graph(t *Tensor) *GraphView {
	root := t.edge()
	depth := map[*node]int{}
	var order []*node
	if root != nil {
		order = topoSort([]*node{root})
		// Longest distance from the root, so inputs sit above their users.
		for i := len(order) - 1; i >= 0; i-- {
			n := order[i]
			for _, m := range n.next {
				if m != nil && depth[m] < depth[n]+1 {
					depth[m] = depth[n] + 1
				}
			}
		}
	}
	maxDepth := 0
	for _, d := range depth {
		maxDepth = max(maxDepth, d)
	}
	rows := make([][]*node, maxDepth+1)
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		rows[depth[n]] = append(rows[depth[n]], n)
	}
	const boxW, boxH, gapX, gapY = 170, 34, 20, 36
	width := boxW + 2*gapX
	for _, r := range rows {
		width = max(width, len(r)*(boxW+gapX)+gapX)
	}
	height := (maxDepth+2)*(boxH+gapY) + gapY
	pos := map[*node][2]int{}
	for d, r := range rows {
		y := gapY + (maxDepth-d)*(boxH+gapY)
		x0 := (width - (len(r)*(boxW+gapX) - gapX)) / 2
		for i, n := range r {
			pos[n] = [2]int{x0 + i*(boxW+gapX), y}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="monospace" font-size="12">`, width, height)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>`)
	outY := gapY + (maxDepth+1)*(boxH+gapY)
	outX := (width - boxW) / 2
	line := func(x1, y1, x2, y2 int) {
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#555" marker-end="url(#arrow)"/>`, x1, y1, x2, y2)
	}
	for _, n := range order {
		p := pos[n]
		for _, m := range n.next {
			if m != nil {
				q := pos[m]
				line(q[0]+boxW/2, q[1]+boxH, p[0]+boxW/2, p[1])
			}
		}
	}
	box := func(x, y int, fill, label string) {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="4" fill="%s" stroke="#333"/>`, x, y, boxW, boxH, fill)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" dominant-baseline="middle">%s</text>`, x+boxW/2, y+boxH/2, html.EscapeString(label))
	}
	for _, n := range order {
		p := pos[n]
		fill, label := "#d3d3d3", n.name
		if n.leaf != nil {
			fill, label = "#add8e6", "leaf "+shapeString(n.leaf.shape)
		}
		box(p[0], p[1], fill, label)
	}
	if root != nil {
		line(pos[root][0]+boxW/2, pos[root][1]+boxH, outX+boxW/2, outY)
	}
	box(outX, outY, "#98fb98", "tensor "+shapeString(t.shape))
	b.WriteString(`</svg>`)
	return &GraphView{svg: b.String()}
}

// SVG returns the drawing as an SVG document.
func (g *GraphView) SVG() string { return g.svg }

// MIMEBundle returns the drawing for Jupyter: image/svg+xml plus a
// text/plain fallback, and no metadata.
func (g *GraphView) MIMEBundle() (data, metadata map[string]any) {
	return map[string]any{"image/svg+xml": g.svg, "text/plain": "<autograd graph>"}, map[string]any{}
}
