package tensor

import (
	"fmt"

	"gonote/tensor/backend"
)

// DType is the element type of a tensor. Its String method gives the names
// tensors print with ("float32", "int64", ...).
type DType = backend.DType

// The dtypes. Float32 is the default for floating-point data.
const (
	Float32 = backend.Float32
	Float64 = backend.Float64
	Int64   = backend.Int64
	Int32   = backend.Int32
	Uint8   = backend.Uint8
	Bool    = backend.Bool
)

// rank orders dtypes for promotion within the supported set: promoting two
// dtypes gives the one of higher rank, as PyTorch's promotion table does for
// these six types.
func rank(d DType) int {
	switch d {
	case Bool:
		return 0
	case Uint8:
		return 1
	case Int32:
		return 2
	case Int64:
		return 3
	case Float32:
		return 4
	}
	return 5 // Float64
}

// PromoteTypes returns the dtype PyTorch computes a binary operation of a
// and b in: bool < uint8 < int32 < int64 < float32 < float64.
func PromoteTypes(a, b DType) DType {
	if rank(a) >= rank(b) {
		return a
	}
	return b
}

func category(d DType) int {
	switch {
	case d == Bool:
		return 0
	case d.IsInt():
		return 1
	}
	return 2
}

// canCast reports whether a result of dtype from may be written to a tensor
// of dtype to (PyTorch's can_cast: never to a lower category).
func canCast(from, to DType) bool { return category(from) <= category(to) }

// resultType implements PyTorch's result_type over tensors and Go numbers:
// tensors with dimensions decide, 0-d tensors and then Go numbers only
// count when they are of a higher category (bool < integer < float).
func resultType(op string, operands ...any) DType {
	var dim, zero, wrapped DType
	var hasDim, hasZero, hasWrapped bool
	upd := func(cur DType, has bool, d DType) (DType, bool) {
		if !has {
			return d, true
		}
		return PromoteTypes(cur, d), true
	}
	for _, o := range operands {
		if t, ok := o.(*Tensor); ok {
			if t.Dim() > 0 {
				dim, hasDim = upd(dim, hasDim, t.dtype)
			} else {
				zero, hasZero = upd(zero, hasZero, t.dtype)
			}
			continue
		}
		wrapped, hasWrapped = upd(wrapped, hasWrapped, scalarDType(op, o))
	}
	combine := func(higher DType, hasH bool, lower DType, hasL bool) (DType, bool) {
		switch {
		case !hasH:
			return lower, hasL
		case !hasL:
			return higher, true
		case higher.IsFloat():
			return higher, true
		case higher == Bool || lower.IsFloat():
			return PromoteTypes(higher, lower), true
		}
		return higher, true
	}
	d, h := combine(zero, hasZero, wrapped, hasWrapped)
	d, _ = combine(dim, hasDim, d, h)
	return d
}

// scalarDType is the dtype a Go number takes part in promotion with:
// floats count as the default float32, integers as int64, bools as bool.
func scalarDType(op string, v any) DType {
	switch v.(type) {
	case float32, float64:
		return Float32
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return Int64
	case bool:
		return Bool
	}
	fail(TypeError, op, "%s(): expected a *Tensor or a Go number, but got %T", op, v)
	return 0
}

// goDType is the dtype of a Go value's type in New and FromSlice.
func goDType(v any) (DType, bool) {
	switch v.(type) {
	case float32:
		return Float32, true
	case float64:
		return Float64, true
	case int, int64:
		return Int64, true
	case int32:
		return Int32, true
	case uint8:
		return Uint8, true
	case bool:
		return Bool, true
	}
	return 0, false
}

// toFloat64 converts a Go number to float64.
func toFloat64(op string, v any) float64 {
	switch x := v.(type) {
	case float32:
		return float64(x)
	case float64:
		return x
	case int:
		return float64(x)
	case int8:
		return float64(x)
	case int16:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case uint:
		return float64(x)
	case uint8:
		return float64(x)
	case uint16:
		return float64(x)
	case uint32:
		return float64(x)
	case uint64:
		return float64(x)
	case bool:
		if x {
			return 1
		}
		return 0
	}
	fail(TypeError, op, "%s(): expected a Go number, but got %T", op, v)
	return 0
}

// toInt64 converts a Go integer or bool to int64 exactly, and a float by
// truncation.
func toInt64(op string, v any) int64 {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int8:
		return int64(x)
	case int16:
		return int64(x)
	case int32:
		return int64(x)
	case int64:
		return x
	case uint:
		return int64(x)
	case uint8:
		return int64(x)
	case uint16:
		return int64(x)
	case uint32:
		return int64(x)
	case uint64:
		return int64(x)
	}
	return int64(toFloat64(op, v))
}

// isNumber reports whether v is a Go number or bool.
func isNumber(v any) bool {
	switch v.(type) {
	case float32, float64, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, bool:
		return true
	}
	return false
}

func dtypeName(d DType) string { return fmt.Sprint(d) }
