package tensor

import (
	"errors"
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// checkMatmulTypes panics unless a and b can be multiplied: same device,
// same dtype, not Bool.
func checkMatmulTypes(a, b *Tensor) {
	checkSameDevice("matmul", a, b)
	if a.dtype != b.dtype {
		fail(RuntimeError, "matmul", "expected scalar type %s but found %s", scalarTypeName(a.dtype), scalarTypeName(b.dtype))
	}
	if a.dtype == Bool {
		fail(RuntimeError, "matmul", "\"addmm_impl_cpu_\" not implemented for 'Bool'")
	}
}

// bmm3 multiplies a [B, M, K] by b [B, K, N] (checked) into a new [B, M, N].
func bmm3(a, b *Tensor) *Tensor {
	out := uninit("matmul", a.Device(), a.dtype, []int{a.shape[0], a.shape[1], b.shape[2]})
	out.be().Matmul(out.view(), a.view(), b.view())
	if !needsGrad(a, b) {
		return out
	}
	wa, wb := wants(a), wants(b)
	return record("BmmBackward0", out, []*Tensor{a, b}, func(g *Tensor) []*Tensor {
		var ga, gb *Tensor
		if wa {
			ga = g.Bmm(b.Transpose(1, 2))
		}
		if wb {
			gb = a.Transpose(1, 2).Bmm(g)
		}
		return []*Tensor{ga, gb}
	}, savedFor(wb, a, wa, b)...)
}

// keepsBatch reports whether PyTorch multiplies the 3-D x by a matrix as a
// batch instead of folding its batch into rows (its should_fold): when x's
// last two dimensions are transposed in memory.
func keepsBatch(x *Tensor) bool {
	return x.Dim() == 3 && x.strides[2] != 1 && x.strides[0] == x.shape[1]*x.shape[2]
}

func mmMessage(r1, c1, r2, c2 int) {
	fail(RuntimeError, "matmul", "mat1 and mat2 shapes cannot be multiplied (%dx%d and %dx%d)", r1, c1, r2, c2)
}

// Matmul returns the matrix product of t and other with torch.matmul's
// rules: 1-D·1-D is a dot product (0-d), 2-D·2-D a matrix product, a 1-D
// operand becomes a row (left) or column (right) that is removed again,
// and operands with more dimensions are batches of matrices whose batch
// dimensions broadcast. Both must have one dtype (not Bool) and device.
// Floats go through gonum's BLAS. Mismatched shapes panic with PyTorch's
// RuntimeError, such as "mat1 and mat2 shapes cannot be multiplied (2x3 and
// 4x5)". (Mul is the elementwise product.)
func (t *Tensor) Matmul(other *Tensor) *Tensor {
	a, b := t, other
	da, db := a.Dim(), b.Dim()
	if da == 0 || db == 0 {
		fail(RuntimeError, "matmul", "both arguments to matmul need to be at least 1D, but they are %dD and %dD", da, db)
	}
	checkMatmulTypes(a, b)
	switch {
	case da == 1 && db == 1:
		return a.Dot(b)
	case da == 2 && db == 2:
		return a.Mm(b)
	case da == 1 && db == 2:
		if a.shape[0] != b.shape[0] {
			mmMessage(1, a.shape[0], b.shape[0], b.shape[1])
		}
		return a.Unsqueeze(0).Mm(b).Squeeze(0)
	case da == 2 && db == 1:
		if a.shape[1] != b.shape[0] {
			fail(RuntimeError, "matmul", "size mismatch, got %d, %dx%d,%d", a.shape[0], a.shape[0], a.shape[1], b.shape[0])
		}
		return a.Mm(b.Unsqueeze(1)).Squeeze(1)
	}
	a2, b2 := a, b
	if da == 1 {
		a2 = a.Unsqueeze(0)
	}
	if db == 1 {
		b2 = b.Unsqueeze(1)
	}
	m, k := a2.shape[a2.Dim()-2], a2.shape[a2.Dim()-1]
	k2, n := b2.shape[b2.Dim()-2], b2.shape[b2.Dim()-1]
	batchA, batchB := a2.shape[:a2.Dim()-2], b2.shape[:b2.Dim()-2]
	if k != k2 {
		// PyTorch folds the batch into the rows when one side has no batch,
		// and its message shows the folded shapes.
		switch {
		case da >= 3 && db == 2 && !keepsBatch(a):
			mmMessage(numel(batchA)*m, k, k2, n)
		case da >= 3 && db == 1:
			fail(RuntimeError, "matmul", "size mismatch, got %d, %dx%d,%d", numel(batchA)*m, numel(batchA)*m, k, k2)
		case da == 2 && db >= 3 && !keepsBatch(b):
			mmMessage(numel(batchB)*n, k2, k, m)
		case da == 1 && db >= 3:
			fail(RuntimeError, "matmul", "size mismatch, got %d, %dx%d,%d", numel(batchB)*n, numel(batchB)*n, k2, k)
		}
	}
	batch := broadcastShapes(batchA, batchB)
	nb := numel(batch)
	if k != k2 {
		fail(RuntimeError, "matmul", "Expected size for first two dimensions of batch2 tensor to be: [%d, %d] but got: [%d, %d].", nb, k, nb, k2)
	}
	a3 := a2.Expand(append(append([]int{}, batch...), m, k)...).Reshape(nb, m, k)
	b3 := b2.Expand(append(append([]int{}, batch...), k, n)...).Reshape(nb, k, n)
	out := bmm3(a3, b3).View(append(append([]int{}, batch...), m, n)...)
	if da == 1 {
		out = out.Squeeze(-2)
	}
	if db == 1 {
		out = out.Squeeze(-1)
	}
	return out
}

// Mm returns the product of the matrices t (n×m) and other (m×p).
func (t *Tensor) Mm(other *Tensor) *Tensor {
	if t.Dim() != 2 {
		fail(RuntimeError, "mm", "self must be a matrix")
	}
	if other.Dim() != 2 {
		fail(RuntimeError, "mm", "mat2 must be a matrix")
	}
	checkMatmulTypes(t, other)
	if t.shape[1] != other.shape[0] {
		mmMessage(t.shape[0], t.shape[1], other.shape[0], other.shape[1])
	}
	out := bmm3(t.plain().Unsqueeze(0), other.plain().Unsqueeze(0)).Squeeze(0)
	if !needsGrad(t, other) {
		return out
	}
	wa, wb := wants(t), wants(other)
	return record("MmBackward0", out, []*Tensor{t, other}, func(g *Tensor) []*Tensor {
		var ga, gb *Tensor
		if wa {
			ga = g.Mm(other.T())
		}
		if wb {
			gb = t.T().Mm(g)
		}
		return []*Tensor{ga, gb}
	}, savedFor(wb, t, wa, other)...)
}

// Bmm returns the batched product of t (b×n×m) and other (b×m×p), without
// broadcasting.
func (t *Tensor) Bmm(other *Tensor) *Tensor {
	if t.Dim() != 3 {
		fail(RuntimeError, "bmm", "batch1 must be a 3D tensor")
	}
	if other.Dim() != 3 {
		fail(RuntimeError, "bmm", "batch2 must be a 3D tensor")
	}
	checkMatmulTypes(t, other)
	if other.shape[0] != t.shape[0] || other.shape[1] != t.shape[2] {
		fail(RuntimeError, "bmm", "Expected size for first two dimensions of batch2 tensor to be: [%d, %d] but got: [%d, %d].", t.shape[0], t.shape[2], other.shape[0], other.shape[1])
	}
	return bmm3(t, other)
}

// Dot returns the dot product of two 1-D tensors of one dtype, as a 0-d tensor.
func (t *Tensor) Dot(other *Tensor) *Tensor {
	if t.Dim() != 1 || other.Dim() != 1 {
		fail(RuntimeError, "dot", "1D tensors expected, but got %dD and %dD tensors", t.Dim(), other.Dim())
	}
	if t.dtype != other.dtype {
		fail(RuntimeError, "dot", "dot : expected both vectors to have same dtype, but found %s and %s", scalarTypeName(t.dtype), scalarTypeName(other.dtype))
	}
	checkMatmulTypes(t, other)
	if t.shape[0] != other.shape[0] {
		fail(RuntimeError, "dot", "inconsistent tensor size, expected tensor [%d] and src [%d] to have the same number of elements, but got %d and %d elements respectively",
			t.shape[0], other.shape[0], t.shape[0], other.shape[0])
	}
	out := bmm3(t.plain().Reshape(1, 1, -1), other.plain().Reshape(1, -1, 1)).Reshape()
	if !needsGrad(t, other) {
		return out
	}
	wa, wb := wants(t), wants(other)
	return record("DotBackward0", out, []*Tensor{t, other}, func(g *Tensor) []*Tensor {
		var ga, gb *Tensor
		if wa {
			ga = other.Mul(g)
		}
		if wb {
			gb = t.Mul(g)
		}
		return []*Tensor{ga, gb}
	}, savedFor(wb, t, wa, other)...)
}

// Outer returns the outer product of two 1-D tensors, with type promotion.
func (t *Tensor) Outer(other *Tensor) *Tensor {
	if t.Dim() != 1 {
		fail(RuntimeError, "outer", "outer: Expected 1-D argument self, but got %d-D", t.Dim())
	}
	if other.Dim() != 1 {
		fail(RuntimeError, "outer", "outer: Expected 1-D argument vec2, but got %d-D", other.Dim())
	}
	return t.Reshape(-1, 1).Mul(other)
}

// squareBatches checks that t is a batch of square float matrices and
// returns them as float64 gonum matrices.
func squareBatches(op string, t *Tensor) []*mat.Dense {
	if t.Dim() < 2 {
		fail(RuntimeError, op, "%s: The input tensor A must have at least 2 dimensions.", op)
	}
	r, c := t.shape[t.Dim()-2], t.shape[t.Dim()-1]
	if r != c {
		fail(RuntimeError, op, "%s: A must be batches of square matrices, but they are %d by %d matrices", op, r, c)
	}
	if !t.dtype.IsFloat() {
		fail(RuntimeError, op, "%s: Expected a floating point or complex tensor as input. Got %s", op, scalarTypeName(t.dtype))
	}
	x := t.CPU().toDType(Float64).Contiguous().Reshape(-1, r, r)
	var out []*mat.Dense
	for i := 0; i < x.shape[0]; i++ {
		if r == 0 {
			out = append(out, nil)
			continue
		}
		out = append(out, mat.NewDense(r, r, append([]float64(nil), x.Select(0, i).Float64s()...)))
	}
	return out
}

// fromBatches turns float64 results back into t's dtype, device and shape.
func fromBatches(t *Tensor, data []float64, shape []int) *Tensor {
	return fromHost(data, shape).toDType(t.dtype).To(t.Device())
}

// Inverse returns the inverse of a square matrix, or of each matrix in a
// batch, computed through gonum's LU factorisation in float64. It panics
// with PyTorch's RuntimeError for non-square or non-float input and when a
// matrix is singular.
func (t *Tensor) Inverse() *Tensor {
	y := t.plain().inverse()
	if !needsGrad(t) {
		return y
	}
	// d(A⁻¹) = -A⁻¹ dA A⁻¹, so the gradient is -A⁻ᵀ g A⁻ᵀ.
	return record("LinalgInvExBackward0", y, []*Tensor{t}, func(g *Tensor) []*Tensor {
		yt := y.Transpose(-2, -1)
		return []*Tensor{yt.Matmul(g).Matmul(yt).Neg()}
	}, y)
}

func (t *Tensor) inverse() *Tensor {
	ms := squareBatches("linalg.inv", t)
	n := t.shape[t.Dim()-1]
	var data []float64
	for i, m := range ms {
		if m == nil {
			continue
		}
		var lu mat.LU
		lu.Factorize(m)
		if p := zeroPivot(&lu, n); p >= 0 {
			fail(RuntimeError, "linalg.inv", "linalg.inv: %sThe diagonal element %d is zero, the inversion could not be completed because the input matrix is singular.", batchElement(t, i), p+1)
		}
		var inv mat.Dense
		eye := mat.NewDiagDense(n, nil)
		for i := 0; i < n; i++ {
			eye.SetDiag(i, 1)
		}
		if err := lu.SolveTo(&inv, false, eye); err != nil && !isCondition(err) {
			fail(RuntimeError, "linalg.inv", "linalg.inv: %v", err)
		}
		data = append(data, inv.RawMatrix().Data...)
	}
	if data == nil {
		data = []float64{}
	}
	return fromBatches(t, data, t.shape)
}

// zeroPivot returns the first zero on the diagonal of lu's U, or -1.
func zeroPivot(lu *mat.LU, n int) int {
	var u mat.TriDense
	lu.UTo(&u)
	for i := 0; i < n; i++ {
		if u.At(i, i) == 0 {
			return i
		}
	}
	return -1
}

// singular reports whether the n×n matrix that lu factorises is singular.
func singular(lu *mat.LU, n int) bool { return zeroPivot(lu, n) >= 0 }

// batchElement is the prefix of PyTorch's linalg errors naming matrix i of
// t, when t is a batch.
func batchElement(t *Tensor, i int) string {
	if t.Dim() <= 2 {
		return ""
	}
	return fmt.Sprintf("(Batch element %d): ", i)
}

func isCondition(err error) bool {
	var c mat.Condition
	return errors.As(err, &c)
}

// Det returns the determinant of a square matrix (0-d) or of each matrix
// in a batch, through gonum's LU factorisation in float64.
func (t *Tensor) Det() *Tensor {
	d := t.plain().det()
	if !needsGrad(t) {
		return d
	}
	// d det(A) = det(A) tr(A⁻¹ dA): the gradient is g·det(A)·A⁻ᵀ (A must
	// be invertible; the backward pass panics for a singular A).
	return record("LinalgDetBackward0", d, []*Tensor{t}, func(g *Tensor) []*Tensor {
		s := g.Mul(d).Unsqueeze(-1).Unsqueeze(-1)
		return []*Tensor{s.Mul(t.Inverse().Transpose(-2, -1))}
	}, t, d)
}

func (t *Tensor) det() *Tensor {
	ms := squareBatches("linalg.det", t)
	data := make([]float64, len(ms))
	for i, m := range ms {
		if m == nil {
			data[i] = 1
			continue
		}
		var lu mat.LU
		lu.Factorize(m)
		data[i] = lu.Det()
	}
	return fromBatches(t, data, t.shape[:t.Dim()-2])
}

// Solve returns X with A·X = B, like torch.linalg.solve: A is a square
// float matrix n×n or a batch of them (*, n, n), and B a batch of matrices
// (*, n, k) or of vectors (*, n), or one vector of n elements; their batch
// dimensions broadcast. B counts as vectors when it is 1-D or has A's shape
// without its last dimension, and X then has B's form. It panics with
// PyTorch's RuntimeError for mismatched shapes or dtypes and a singular A.
func Solve(A, B *Tensor) *Tensor {
	vec := solveVectors(A, B)
	x := solve(A.plain(), B.plain(), vec)
	if !needsGrad(A, B) {
		return x
	}
	// With A·X = B: gB = A⁻ᵀ g and gA = -gB Xᵀ, each summed over the batch
	// dimensions its input was broadcast along.
	wa, wb := wants(A), wants(B)
	return record("LinalgSolveExBackward0", x, []*Tensor{A, B}, func(g *Tensor) []*Tensor {
		gb := Solve(A.Transpose(-2, -1), g) // g has X's form, which Solve reads as B's
		var ga *Tensor
		if wa {
			if vec {
				ga = gb.Unsqueeze(-1).Matmul(x.Unsqueeze(-2)).Neg()
			} else {
				ga = gb.Matmul(x.Transpose(-2, -1)).Neg()
			}
			ga = sumToShape(ga, A.shape)
		}
		if wb {
			gb = sumToShape(gb, B.shape)
		} else {
			gb = nil
		}
		return []*Tensor{ga, gb}
	}, A, x)
}

// solveVectors reports whether Solve takes B as a vector or a batch of
// vectors, by PyTorch's rule.
func solveVectors(A, B *Tensor) bool {
	return B.Dim() == 1 || (A.Dim() > 0 && B.Dim() == A.Dim()-1 && slices.Equal(B.shape, A.shape[:A.Dim()-1]))
}

func solve(A, B *Tensor, vec bool) *Tensor {
	const op = "linalg.solve"
	if !A.dtype.IsFloat() {
		fail(RuntimeError, op, "linalg.solve: Expected a floating point or complex tensor as input. Got %s", scalarTypeName(A.dtype))
	}
	if A.dtype != B.dtype {
		fail(RuntimeError, op, "linalg.solve: Expected A and B to have the same dtype, but found A of type %s and B of type %s instead", scalarTypeName(A.dtype), scalarTypeName(B.dtype))
	}
	b := B
	if vec {
		b = B.Unsqueeze(-1)
	}
	if b.Dim() < 2 {
		fail(RuntimeError, op, "linalg.solve: The input tensor B must have at least 2 dimensions.")
	}
	ms := squareBatches(op, A)
	n := A.shape[A.Dim()-1]
	rows, k := b.shape[b.Dim()-2], b.shape[b.Dim()-1]
	if rows != n {
		fail(RuntimeError, op, "linalg.solve: Incompatible shapes of A and B for the equation AX = B (%dx%d and %dx%d)", n, n, rows, k)
	}
	aBatch := A.shape[:A.Dim()-2]
	batch := slices.Clone(broadcastShapes(b.shape[:b.Dim()-2], aBatch))
	lus := make([]*mat.LU, len(ms))
	for i, m := range ms {
		if m == nil {
			continue
		}
		lus[i] = new(mat.LU)
		lus[i].Factorize(m)
		if singular(lus[i], n) {
			fail(RuntimeError, op, "torch.linalg.solve: %sThe solver failed because the input matrix is singular.", batchElement(A, i))
		}
	}
	shape := append(slices.Clone(batch), n)
	if !vec {
		shape = append(shape, k)
	}
	if numel(shape) == 0 {
		return empty(op, A.Device(), A.dtype, shape)
	}
	// Which of A's matrices each matrix of the result solves with.
	which := Arange(max(numel(aBatch), 1)).Reshape(aBatch...).Expand(batch...).Contiguous().Int64s()
	bs := b.CPU().toDType(Float64).Expand(append(slices.Clone(batch), n, k)...).Contiguous().Float64s()
	data := make([]float64, 0, numel(shape))
	for i, a := range which {
		var x mat.Dense
		rhs := mat.NewDense(n, k, bs[i*n*k:(i+1)*n*k]) // SolveTo reads it only
		if err := lus[a].SolveTo(&x, false, rhs); err != nil && !isCondition(err) {
			panic(fmt.Sprintf("tensor: unexpected gonum error: %v", err))
		}
		data = append(data, x.RawMatrix().Data...)
	}
	return fromBatches(A, data, shape)
}

// SVD returns the singular value decomposition t = U·diag(S)·Vh of a 2-D
// float matrix m×n, like torch.linalg.svd, computed by gonum in float64:
// S (k = min(m, n) values) is descending, U is m×m and Vh n×n when
// fullMatrices is true, m×k and k×n otherwise. Singular vectors are only
// determined up to sign, so they may differ from PyTorch's by a sign.
//
// Gradients flow through U, S and Vh of the reduced decomposition (or the
// full one of a square matrix, the same), as in PyTorch; they are not
// defined when singular values repeat.
func (t *Tensor) SVD(fullMatrices bool) (U, S, Vh *Tensor) {
	if fullMatrices && t.Dim() == 2 && t.shape[0] != t.shape[1] && needsGrad(t) {
		// As in PyTorch: the extra columns of U or rows of Vh are arbitrary.
		fail(RuntimeError, "linalg_svd", "linalg_svd_backward: the derivative of linalg.svd with full_matrices=True is only defined for square matrices: use full_matrices=False")
	}
	u, s, vh := t.plain().svd(fullMatrices)
	if !needsGrad(t) {
		return u, s, vh
	}
	m, n, k := u.shape[0], vh.shape[1], s.shape[0]
	packed := Cat([]*Tensor{u.Flatten(), s, vh.Flatten()}, 0)
	packed = record("LinalgSvdBackward0", packed, []*Tensor{t}, func(g *Tensor) []*Tensor {
		gu := g.Narrow(0, 0, m*k).Reshape(m, k)
		gs := g.Narrow(0, m*k, k)
		gv := g.Narrow(0, m*k+k, k*n).Reshape(k, n).Transpose(0, 1)
		return []*Tensor{svdBackward(gu, gs, gv, u, s, vh.Transpose(0, 1))}
	}, u, s, vh)
	return packed.Narrow(0, 0, m*k).Reshape(m, k), packed.Narrow(0, m*k, k), packed.Narrow(0, m*k+k, k*n).Reshape(k, n)
}

// svdBackward is PyTorch's svd_backward for real A = U·diag(S)·Vᵀ (m×n,
// k = min(m, n)) with the gradients gU, gS, gV of U, S and V:
//
//	gA = U [(skew(UᵀgU)/E)·S + S·(skew(VᵀgV)/E) + diag(gS)] Vᵀ
//	     + (I − UUᵀ) gU S⁻¹ Vᵀ + U S⁻¹ gVᵀ (I − VVᵀ)
//
// with skew(X) = X − Xᵀ and E_jk = S_k² − S_j² (1 on the diagonal).
func svdBackward(gu, gs, gv, u, s, v *Tensor) *Tensor {
	k := s.shape[0]
	eye := Eye(k).To(s.dtype)
	s2 := s.Mul(s)
	e := s2.Unsqueeze(0).Sub(s2.Unsqueeze(1)).Add(eye)
	ut, vt := u.Transpose(0, 1), v.Transpose(0, 1)
	skew := func(x *Tensor) *Tensor { return x.Sub(x.Transpose(0, 1)) }
	inner := skew(ut.Matmul(gu)).Div(e).Mul(s.Unsqueeze(0)).
		Add(skew(vt.Matmul(gv)).Div(e).Mul(s.Unsqueeze(1))).
		Add(eye.Mul(gs.Unsqueeze(0)))
	ga := u.Matmul(inner).Matmul(vt)
	sinv := Ones(k).To(s.dtype).Div(s).Unsqueeze(0) // scales columns
	// (I − UUᵀ) gU S⁻¹ Vᵀ, when U does not span all of ℝᵐ (m > k).
	if u.shape[0] > k {
		proj := gu.Sub(u.Matmul(ut.Matmul(gu)))
		ga = ga.Add(proj.Mul(sinv).Matmul(vt))
	}
	// U S⁻¹ gVᵀ (I − VVᵀ), when n > k.
	if v.shape[0] > k {
		proj := gv.Sub(v.Matmul(vt.Matmul(gv)))
		ga = ga.Add(u.Mul(sinv).Matmul(proj.Transpose(0, 1)))
	}
	return ga
}

func (t *Tensor) svd(fullMatrices bool) (U, S, Vh *Tensor) {
	const op = "linalg.svd"
	if t.Dim() != 2 {
		fail(RuntimeError, op, "%s: gonote decomposes one matrix at a time: expected a 2-D tensor, but got shape %s", op, shapeString(t.shape))
	}
	if !t.dtype.IsFloat() {
		fail(RuntimeError, op, "%s: Expected a floating point or complex tensor as input. Got %s", op, scalarTypeName(t.dtype))
	}
	m, n := t.shape[0], t.shape[1]
	k := min(m, n)
	if k == 0 {
		fail(RuntimeError, op, "%s: gonote cannot decompose an empty %dx%d matrix", op, m, n)
	}
	a := mat.NewDense(m, n, append([]float64(nil), t.CPU().toDType(Float64).Contiguous().Float64s()...))
	var svd mat.SVD
	kind := mat.SVDThin
	if fullMatrices {
		kind = mat.SVDFull
	}
	if !svd.Factorize(a, kind) {
		fail(RuntimeError, op, "%s: The algorithm failed to converge because the input matrix is ill-conditioned or has too many repeated singular values", op)
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	ur, uc := u.Dims()
	vr, vc := v.Dims()
	vh := mat.DenseCopyOf(v.T())
	return fromBatches(t, u.RawMatrix().Data, []int{ur, uc}),
		fromBatches(t, svd.Values(nil), []int{k}),
		fromBatches(t, vh.RawMatrix().Data, []int{vc, vr})
}

// Eigh returns the eigenvalues (ascending) and eigenvectors (the columns
// of vectors) of a symmetric 2-D float matrix, like torch.linalg.eigh
// (which reads the lower triangle; gonum reads the upper one, which is the
// same for a symmetric input). Eigenvectors are only determined up to sign.
//
// Gradients flow through both, as in PyTorch (not defined when eigenvalues
// repeat); the input's gradient is symmetric.
func (t *Tensor) Eigh() (values, vectors *Tensor) {
	l, v := t.plain().eigh()
	if !needsGrad(t) {
		return l, v
	}
	n := l.shape[0]
	packed := Cat([]*Tensor{l, v.Flatten()}, 0)
	packed = record("LinalgEighBackward0", packed, []*Tensor{t}, func(g *Tensor) []*Tensor {
		gl, gv := g.Narrow(0, 0, n), g.Narrow(0, n, n*n).Reshape(n, n)
		// PyTorch's linalg_eig_backward for a symmetric input:
		// gA = V (skew(VᵀgV)/2 / E + diag(gL)) Vᵀ, E_ij = L_j − L_i.
		eye := Eye(n).To(l.dtype)
		vt := v.Transpose(0, 1)
		x := vt.Matmul(gv)
		x = x.Sub(x.Transpose(0, 1)).Mul(0.5)
		e := l.Unsqueeze(0).Sub(l.Unsqueeze(1)).Add(eye)
		r := x.Div(e).Mul(eye.Neg().Add(1)).Add(eye.Mul(gl.Unsqueeze(0)))
		return []*Tensor{v.Matmul(r).Matmul(vt)}
	}, l, v)
	return packed.Narrow(0, 0, n), packed.Narrow(0, n, n*n).Reshape(n, n)
}

func (t *Tensor) eigh() (values, vectors *Tensor) {
	const op = "linalg.eigh"
	if t.Dim() != 2 {
		fail(RuntimeError, op, "%s: gonote decomposes one matrix at a time: expected a 2-D tensor, but got shape %s", op, shapeString(t.shape))
	}
	ms := squareBatches(op, t)
	n := t.shape[0]
	if n == 0 {
		return ZerosLike(t).Reshape(0), ZerosLike(t)
	}
	sym := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			sym.SetSym(i, j, ms[0].At(j, i)) // lower triangle, as PyTorch
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(sym, true) {
		fail(RuntimeError, op, "%s: The algorithm failed to converge", op)
	}
	var vec mat.Dense
	eig.VectorsTo(&vec)
	return fromBatches(t, eig.Values(nil), []int{n}), fromBatches(t, vec.RawMatrix().Data, []int{n, n})
}
