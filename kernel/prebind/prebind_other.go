//go:build !cgo || !linux

package prebind

const enabled = false

// take returns nothing: without cgo there is no constructor to bind early.
func take() map[int]int { return nil }
