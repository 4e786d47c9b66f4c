package display

import (
	"crypto/rand"
	"encoding/hex"
)

// Handle is an output that can be replaced in place, like IPython's
// display(..., display_id=True): training loops update one plot or one progress
// bar instead of printing many.
type Handle struct {
	id string
}

// New shows v and returns a handle to update it.
func New(v any) *Handle {
	var b [8]byte
	rand.Read(b[:])
	h := &Handle{id: hex.EncodeToString(b[:])}
	h.publish(v, false)
	return h
}

// ID is the display_id the frontend knows this output by.
func (h *Handle) ID() string { return h.id }

// Update replaces the output with v, wherever it is shown.
func (h *Handle) Update(v any) { h.publish(v, true) }

func (h *Handle) publish(v any, update bool) {
	if p := current(); p != nil {
		data, metadata := Bundle(v)
		p.Display(data, metadata, h.id, update)
	}
}
