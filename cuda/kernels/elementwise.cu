// elementwise.cu: unary and binary operations, comparisons, where and the
// dtype-converting copy, over strided views (see common.cuh). The op codes
// are tensor/backend's UnaryOp and BinaryOp values; the semantics follow
// tensor/cpu/elementwise.go (NaN rules, Round half to even, wrapping
// integers, PyTorch's integer powers).
#include "common.cuh"

enum { NEG, ABS, EXP, LOG, SQRT, SIN, COS, TANH, SIGMOID, RELU, FLOOR, CEIL, ROUND, NOT };
enum { ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, EQ, NE, LT, LE, GT, GE, AND, OR, XOR };

// Apply f(dst, src) over two operands.
template <class D, class S, class F>
__device__ __forceinline__ void map2(const EW& g, F f) {
  D* d = (D*)g.ptr[0];
  const S* s = (const S*)g.ptr[1];
  FOR_EACH(g, i) {
    i64 o[2];
    offsets<2>(g, i, o);
    d[o[0]] = f(s[o[1]]);
  }
}

template <class D, class S, class F>
__device__ __forceinline__ void map3(const EW& g, F f) {
  D* d = (D*)g.ptr[0];
  const S* a = (const S*)g.ptr[1];
  const S* b = (const S*)g.ptr[2];
  FOR_EACH(g, i) {
    i64 o[3];
    offsets<3>(g, i, o);
    d[o[0]] = f(a[o[1]], b[o[2]]);
  }
}

__device__ __forceinline__ float m_exp(float x) { return expf(x); }
__device__ __forceinline__ double m_exp(double x) { return exp(x); }
__device__ __forceinline__ float m_log(float x) { return logf(x); }
__device__ __forceinline__ double m_log(double x) { return log(x); }
__device__ __forceinline__ float m_sqrt(float x) { return sqrtf(x); }
__device__ __forceinline__ double m_sqrt(double x) { return sqrt(x); }
__device__ __forceinline__ float m_sin(float x) { return sinf(x); }
__device__ __forceinline__ double m_sin(double x) { return sin(x); }
__device__ __forceinline__ float m_cos(float x) { return cosf(x); }
__device__ __forceinline__ double m_cos(double x) { return cos(x); }
__device__ __forceinline__ float m_tanh(float x) { return tanhf(x); }
__device__ __forceinline__ double m_tanh(double x) { return tanh(x); }
__device__ __forceinline__ float m_floor(float x) { return floorf(x); }
__device__ __forceinline__ double m_floor(double x) { return floor(x); }
__device__ __forceinline__ float m_ceil(float x) { return ceilf(x); }
__device__ __forceinline__ double m_ceil(double x) { return ceil(x); }
__device__ __forceinline__ float m_rint(float x) { return rintf(x); }  // half to even
__device__ __forceinline__ double m_rint(double x) { return rint(x); }
__device__ __forceinline__ float m_pow(float x, float y) { return powf(x, y); }
__device__ __forceinline__ double m_pow(double x, double y) { return pow(x, y); }
__device__ __forceinline__ float m_abs(float x) { return fabsf(x); }
__device__ __forceinline__ double m_abs(double x) { return fabs(x); }

template <class T>
__device__ void unary_float(const EW& g) {
  switch (g.op) {
    case NEG: map2<T, T>(g, [](T x) { return -x; }); break;
    case ABS: map2<T, T>(g, [](T x) { return m_abs(x); }); break;
    case EXP: map2<T, T>(g, [](T x) { return m_exp(x); }); break;
    case LOG: map2<T, T>(g, [](T x) { return m_log(x); }); break;
    case SQRT: map2<T, T>(g, [](T x) { return m_sqrt(x); }); break;
    case SIN: map2<T, T>(g, [](T x) { return m_sin(x); }); break;
    case COS: map2<T, T>(g, [](T x) { return m_cos(x); }); break;
    case TANH: map2<T, T>(g, [](T x) { return m_tanh(x); }); break;
    case SIGMOID: map2<T, T>(g, [](T x) { return (T)1 / ((T)1 + m_exp(-x)); }); break;
    // Keeps -0 and NaN, as PyTorch does.
    case RELU: map2<T, T>(g, [](T x) { return (x >= 0 || x != x) ? x : (T)0; }); break;
    case FLOOR: map2<T, T>(g, [](T x) { return m_floor(x); }); break;
    case CEIL: map2<T, T>(g, [](T x) { return m_ceil(x); }); break;
    case ROUND: map2<T, T>(g, [](T x) { return m_rint(x); }); break;
  }
}

template <class T> __device__ __forceinline__ bool negative(T x) { return x < 0; }
template <> __device__ __forceinline__ bool negative(u8) { return false; }

template <class T>
__device__ void unary_int(const EW& g) {
  switch (g.op) {
    case NEG: map2<T, T>(g, [](T x) { return wsub((T)0, x); }); break;
    case ABS: map2<T, T>(g, [](T x) { return negative(x) ? wsub((T)0, x) : x; }); break;
    case RELU: map2<T, T>(g, [](T x) { return x > (T)0 ? x : (T)0; }); break;
    case FLOOR:
    case CEIL:
    case ROUND: map2<T, T>(g, [](T x) { return x; }); break;
  }
}

extern "C" __global__ void unary_f32(EW g) { unary_float<float>(g); }
extern "C" __global__ void unary_f64(EW g) { unary_float<double>(g); }
extern "C" __global__ void unary_i64(EW g) { unary_int<i64>(g); }
extern "C" __global__ void unary_i32(EW g) { unary_int<int>(g); }
extern "C" __global__ void unary_u8(EW g) { unary_int<u8>(g); }
extern "C" __global__ void unary_b8(EW g) { map2<u8, u8>(g, [](u8 x) { return (u8)!x; }); }

// ipow is integer power by squaring, wrapping; negative exponents give 0
// except for bases 1 and -1, as in PyTorch.
template <class T>
__device__ __forceinline__ T ipow(T x, T y) {
  i64 b = (i64)x, e = (i64)y;
  if (e < 0) {
    if (b == 1) return 1;
    if (b == -1) return (e % 2 == 0) ? (T)1 : x;
    return 0;
  }
  u64 r = 1, ub = (u64)b;
  while (e > 0) {
    if (e & 1) r *= ub;
    ub *= ub;
    e >>= 1;
  }
  return (T)r;
}

template <class T> __device__ __forceinline__ T tpow(T x, T y) { return ipow(x, y); }
template <> __device__ __forceinline__ float tpow(float x, float y) { return m_pow(x, y); }
template <> __device__ __forceinline__ double tpow(double x, double y) { return m_pow(x, y); }

template <class T>
__device__ void binary_num(const EW& g) {
  switch (g.op) {
    case ADD: map3<T, T>(g, [](T x, T y) { return wadd(x, y); }); break;
    case SUB: map3<T, T>(g, [](T x, T y) { return wsub(x, y); }); break;
    case MUL: map3<T, T>(g, [](T x, T y) { return wmul(x, y); }); break;
    case DIV: map3<T, T>(g, [](T x, T y) { return (T)(x / y); }); break;
    case POW: map3<T, T>(g, [](T x, T y) { return tpow(x, y); }); break;
    // NaN propagates: a NaN x wins, and a NaN y wins over any x < y test.
    case MAXIMUM: map3<T, T>(g, [](T x, T y) { return (x != x || x > y) ? x : y; }); break;
    case MINIMUM: map3<T, T>(g, [](T x, T y) { return (x != x || x < y) ? x : y; }); break;
  }
}

extern "C" __global__ void binary_f32(EW g) { binary_num<float>(g); }
extern "C" __global__ void binary_f64(EW g) { binary_num<double>(g); }
extern "C" __global__ void binary_i64(EW g) { binary_num<i64>(g); }
extern "C" __global__ void binary_i32(EW g) { binary_num<int>(g); }
extern "C" __global__ void binary_u8(EW g) { binary_num<u8>(g); }

// binary_b8 is every binary op on bools, with tensor/cpu's mapping (Add is
// or, Mul is and).
extern "C" __global__ void binary_b8(EW g) {
  switch (g.op) {
    case ADD: case OR: case MAXIMUM: map3<u8, u8>(g, [](u8 x, u8 y) { return (u8)(x | y); }); break;
    case MUL: case AND: case MINIMUM: map3<u8, u8>(g, [](u8 x, u8 y) { return (u8)(x & y); }); break;
    case XOR: case NE: map3<u8, u8>(g, [](u8 x, u8 y) { return (u8)(x != y); }); break;
    case EQ: map3<u8, u8>(g, [](u8 x, u8 y) { return (u8)(x == y); }); break;
    case LT: map3<u8, u8>(g, [](u8 x, u8 y) { return (u8)(!x && y); }); break;
    case LE: map3<u8, u8>(g, [](u8 x, u8 y) { return (u8)(!x || y); }); break;
    case GT: map3<u8, u8>(g, [](u8 x, u8 y) { return (u8)(x && !y); }); break;
    case GE: map3<u8, u8>(g, [](u8 x, u8 y) { return (u8)(x || !y); }); break;
  }
}

template <class T>
__device__ void compare(const EW& g) {
  switch (g.op) {
    case EQ: map3<u8, T>(g, [](T x, T y) { return (u8)(x == y); }); break;
    case NE: map3<u8, T>(g, [](T x, T y) { return (u8)(x != y); }); break;
    case LT: map3<u8, T>(g, [](T x, T y) { return (u8)(x < y); }); break;
    case LE: map3<u8, T>(g, [](T x, T y) { return (u8)(x <= y); }); break;
    case GT: map3<u8, T>(g, [](T x, T y) { return (u8)(x > y); }); break;
    case GE: map3<u8, T>(g, [](T x, T y) { return (u8)(x >= y); }); break;
  }
}

#define COMPARE(T, S) extern "C" __global__ void compare_##S(EW g) { compare<T>(g); }
FOR_NUM(COMPARE)

// where_X: dst = cond ? a : b; operands dst, cond, a, b.
template <class T>
__device__ void where(const EW& g) {
  T* d = (T*)g.ptr[0];
  const u8* c = (const u8*)g.ptr[1];
  const T* a = (const T*)g.ptr[2];
  const T* b = (const T*)g.ptr[3];
  FOR_EACH(g, i) {
    i64 o[4];
    offsets<4>(g, i, o);
    d[o[0]] = c[o[1]] ? a[o[2]] : b[o[3]];
  }
}

#define WHERE(T, S) extern "C" __global__ void where_##S(EW g) { where<T>(g); }
FOR_NUM(WHERE)
WHERE(u8, b8)

// Conversion rules of tensor/cpu's Copy: to bool is != 0; floats to
// integers truncate through int64; the rest is C's conversion (integers wrap).
template <class D, class S> struct Conv {
  static __device__ __forceinline__ D f(S x) { return (D)x; }
};
#define FLOAT_TO_INT(D, S) \
  template <> struct Conv<D, S> { static __device__ __forceinline__ D f(S x) { return (D)(i64)x; } };
FLOAT_TO_INT(i64, float)
FLOAT_TO_INT(int, float)
FLOAT_TO_INT(u8, float)
FLOAT_TO_INT(i64, double)
FLOAT_TO_INT(int, double)
FLOAT_TO_INT(u8, double)

struct Bool {};  // tag for the bool dtype, stored as u8
template <class T> struct Store { typedef T type; };
template <> struct Store<Bool> { typedef u8 type; };

template <class D, class S>
__device__ __forceinline__ typename Store<D>::type conv(typename Store<S>::type x) {
  return Conv<typename Store<D>::type, typename Store<S>::type>::f(x);
}
template <> __device__ __forceinline__ u8 conv<Bool, float>(float x) { return x != 0; }
template <> __device__ __forceinline__ u8 conv<Bool, double>(double x) { return x != 0; }
template <> __device__ __forceinline__ u8 conv<Bool, i64>(i64 x) { return x != 0; }
template <> __device__ __forceinline__ u8 conv<Bool, int>(int x) { return x != 0; }
template <> __device__ __forceinline__ u8 conv<Bool, u8>(u8 x) { return x != 0; }
template <> __device__ __forceinline__ u8 conv<Bool, Bool>(u8 x) { return x; }

template <class D, class S>
__device__ void cast(const EW& g) {
  typedef typename Store<D>::type DT;
  typedef typename Store<S>::type ST;
  map2<DT, ST>(g, [](ST x) { return conv<D, S>(x); });
}

#define CAST(D, DS, S, SS) extern "C" __global__ void cast_##DS##_##SS(EW g) { cast<D, S>(g); }
#define CAST_FROM(D, DS) \
  CAST(D, DS, float, f32) CAST(D, DS, double, f64) CAST(D, DS, i64, i64) \
  CAST(D, DS, int, i32) CAST(D, DS, u8, u8) CAST(D, DS, Bool, b8)
CAST_FROM(float, f32)
CAST_FROM(double, f64)
CAST_FROM(i64, i64)
CAST_FROM(int, i32)
CAST_FROM(u8, u8)
CAST_FROM(Bool, b8)
