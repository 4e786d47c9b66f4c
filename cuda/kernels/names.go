package kernels

import "gonote/tensor/backend"

// The kernel entry names package cuda launches, built in one place so that
// the tests can check the PTX defines every one of them.

var suffixes = [...]string{backend.Float32: "f32", backend.Float64: "f64", backend.Int64: "i64",
	backend.Int32: "i32", backend.Uint8: "u8", backend.Bool: "b8"}

// Suffix returns the kernels' name suffix of dt ("f32", ..., "b8").
func Suffix(dt backend.DType) string { return suffixes[dt] }

// Entry names without a dtype.
const (
	CheckIndex = "check_index" // bounds check of an Int64 index
	ScatterWin = "scatter_win" // last-position-wins bookkeeping of Scatter
)

// Unary is the elementwise unary kernel of dt.
func Unary(dt backend.DType) string { return "unary_" + Suffix(dt) }

// Binary is the kernel of a binary op on operands of dt: comparisons of
// numbers have their own kernels (compare_X), bools do everything in one.
func Binary(op backend.BinaryOp, dt backend.DType) string {
	if op.IsComparison() && dt != backend.Bool {
		return "compare_" + Suffix(dt)
	}
	return "binary_" + Suffix(dt)
}

// Where is the select kernel of dt.
func Where(dt backend.DType) string { return "where_" + Suffix(dt) }

// Cast is the converting copy from src to dst.
func Cast(dst, src backend.DType) string { return "cast_" + Suffix(dst) + "_" + Suffix(src) }

// Reduce is the reduction kernel of dt.
func Reduce(dt backend.DType) string { return "reduce_" + Suffix(dt) }

// ArgReduce is the arg-max/min kernel of dt.
func ArgReduce(dt backend.DType) string { return "argreduce_" + Suffix(dt) }

// Scan is the cumulative sum/product kernel of dt.
func Scan(dt backend.DType) string { return "scan_" + Suffix(dt) }

// Sort returns the three sorting kernels of dt: load, network step, store.
func Sort(dt backend.DType) (load, step, store string) {
	s := Suffix(dt)
	return "sort_load_" + s, "sort_step_" + s, "sort_store_" + s
}

// Gather is the gather kernel of dt.
func Gather(dt backend.DType) string { return "gather_" + Suffix(dt) }

// Scatter is the scatter kernel of dt, adding when accumulate is set.
func Scatter(dt backend.DType, accumulate bool) string {
	if accumulate {
		return "scatter_add_" + Suffix(dt)
	}
	return "scatter_" + Suffix(dt)
}

// Matmul is gonote's own matrix product kernel of dt.
func Matmul(dt backend.DType) string { return "matmul_" + Suffix(dt) }

// Random is the random fill kernel of dt.
func Random(dt backend.DType) string { return "random_" + Suffix(dt) }
