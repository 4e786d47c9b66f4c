package backend

// BLASLayout says how to pass a rows×cols matrix with element strides (sr,
// sc) to a row-major BLAS product: as is (trans false) or as the transpose
// of a row-major matrix (trans true), with leading dimension ld. ok is false
// when neither works and the matrix must be made contiguous first. The CPU
// and CUDA backends share this rule.
func BLASLayout(rows, cols, sr, sc int) (trans bool, ld int, ok bool) {
	if cols == 1 || sc == 1 {
		ld = sr
		if rows == 1 {
			ld = cols
		}
		if ld >= max(1, cols) {
			return false, ld, true
		}
	}
	if rows == 1 || sr == 1 {
		ld = sc
		if cols == 1 {
			ld = rows
		}
		if ld >= max(1, rows) {
			return true, ld, true
		}
	}
	return false, 0, false
}
