//go:build !amd64 || purego

package vec

// Enabled is false: there are no kernels for this architecture.
const Enabled = false

func unavailable() { panic("vec: no kernels on this architecture") }

func accF64(dst []float64, x []float32)   { unavailable() }
func sumF32(x []float32) float64          { unavailable(); return 0 }
func addVV(dst, x, y []float32)           { unavailable() }
func subVV(dst, x, y []float32)           { unavailable() }
func mulVV(dst, x, y []float32)           { unavailable() }
func divVV(dst, x, y []float32)           { unavailable() }
func addVS(dst, x []float32, y float32)   { unavailable() }
func subVS(dst, x []float32, y float32)   { unavailable() }
func mulVS(dst, x []float32, y float32)   { unavailable() }
func divVS(dst, x []float32, y float32)   { unavailable() }
func addVVNT(dst, x, y []float32)         { unavailable() }
func subVVNT(dst, x, y []float32)         { unavailable() }
func mulVVNT(dst, x, y []float32)         { unavailable() }
func divVVNT(dst, x, y []float32)         { unavailable() }
func addVSNT(dst, x []float32, y float32) { unavailable() }
func subVSNT(dst, x []float32, y float32) { unavailable() }
func mulVSNT(dst, x []float32, y float32) { unavailable() }
func divVSNT(dst, x []float32, y float32) { unavailable() }
