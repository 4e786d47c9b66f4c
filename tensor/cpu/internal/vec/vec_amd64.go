//go:build !purego

package vec

// Enabled reports whether the kernels run here: the CPU and the OS
// support AVX.
var Enabled = func() bool {
	_, _, ecx, _ := cpuid(1, 0)
	const osxsave, avx = 1 << 27, 1 << 28
	if ecx&osxsave == 0 || ecx&avx == 0 {
		return false
	}
	xcr0, _ := xgetbv()
	return xcr0&6 == 6 // the OS saves the XMM and YMM registers
}()

//go:noescape
func addVV(dst, x, y []float32)

//go:noescape
func subVV(dst, x, y []float32)

//go:noescape
func mulVV(dst, x, y []float32)

//go:noescape
func divVV(dst, x, y []float32)

//go:noescape
func addVS(dst, x []float32, y float32)

//go:noescape
func subVS(dst, x []float32, y float32)

//go:noescape
func mulVS(dst, x []float32, y float32)

//go:noescape
func divVS(dst, x []float32, y float32)

//go:noescape
func addVVNT(dst, x, y []float32)

//go:noescape
func subVVNT(dst, x, y []float32)

//go:noescape
func mulVVNT(dst, x, y []float32)

//go:noescape
func divVVNT(dst, x, y []float32)

//go:noescape
func addVSNT(dst, x []float32, y float32)

//go:noescape
func subVSNT(dst, x []float32, y float32)

//go:noescape
func mulVSNT(dst, x []float32, y float32)

//go:noescape
func divVSNT(dst, x []float32, y float32)

//go:noescape
func accF64(dst []float64, x []float32)

//go:noescape
func sumF32(x []float32) float64

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

func xgetbv() (eax, edx uint32)
