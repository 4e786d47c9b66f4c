//go:build !amd64 || purego

package vec

// Enabled is false: there are no kernels for this architecture.
const Enabled = false

func unavailable() { panic("vec: no kernels on this architecture") }

func addVV(dst, x, y []float32)         { unavailable() }
func subVV(dst, x, y []float32)         { unavailable() }
func mulVV(dst, x, y []float32)         { unavailable() }
func divVV(dst, x, y []float32)         { unavailable() }
func addVS(dst, x []float32, y float32) { unavailable() }
func subVS(dst, x []float32, y float32) { unavailable() }
func mulVS(dst, x []float32, y float32) { unavailable() }
func divVS(dst, x []float32, y float32) { unavailable() }
