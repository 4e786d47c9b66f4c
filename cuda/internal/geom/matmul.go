package geom

import "gonote/tensor/backend"

// MM mirrors struct MM of matmul.cu.
type MM struct {
	Batch, M, N, K int64
	AS, BS         [3]int64
	AOff, BOff     int64
	DOff           int64
	A, B, D        uint64
}

// Matmul returns the parameters of matmul_X for dst = a × b (a [B, M, K],
// b [B, K, N], dst contiguous [B, M, N]) and its grid (x, y, z).
func Matmul(dst, a, b backend.View) (MM, [3]int) {
	p := MM{Batch: int64(a.Shape[0]), M: int64(a.Shape[1]), K: int64(a.Shape[2]), N: int64(b.Shape[2]),
		AOff: int64(a.Offset), BOff: int64(b.Offset), DOff: int64(dst.Offset)}
	for i := 0; i < 3; i++ {
		p.AS[i], p.BS[i] = int64(a.Strides[i]), int64(b.Strides[i])
	}
	grid := [3]int{int((p.N + 63) / 64), int((p.M + 63) / 64), int(min(max(p.Batch, 1), 65535))}
	return p, grid
}

// Gemm holds the arguments of a column-major strided batched GEMM
// (cublasSgemmStridedBatched) that computes a row-major product: the
// row-major C = A×B is the column-major Cᵀ = Bᵀ×Aᵀ, so the first operand
// is b and the second a.
type Gemm struct {
	TransB, TransA   bool // op of the first (b) and second (a) operand
	M, N, K          int  // of the column-major product: n, m, k of the row-major one
	LdB, LdA, LdC    int
	StrideB, StrideA int64
	StrideC          int64
	OffB, OffA, OffC int64 // element offsets
	Batch            int
}

// GemmArgs returns the GEMM that computes dst = a × b, or ok false when an
// operand has no unit stride in either matrix dimension (then the caller
// copies it to a contiguous buffer first).
func GemmArgs(dst, a, b backend.View) (g Gemm, ok bool) {
	batch, m, k, n := a.Shape[0], a.Shape[1], a.Shape[2], b.Shape[2]
	ta, lda, okA := backend.BLASLayout(m, k, a.Strides[1], a.Strides[2])
	tb, ldb, okB := backend.BLASLayout(k, n, b.Strides[1], b.Strides[2])
	if !okA || !okB {
		return g, false
	}
	return Gemm{
		TransB: tb, TransA: ta, M: n, N: m, K: k,
		LdB: ldb, LdA: lda, LdC: max(n, 1),
		StrideB: int64(b.Strides[0]), StrideA: int64(a.Strides[0]), StrideC: int64(m * n),
		OffB: int64(b.Offset), OffA: int64(a.Offset), OffC: int64(dst.Offset), Batch: batch,
	}, true
}
