// common.cuh: the parameter structs shared by the kernels and the strided
// index arithmetic. Every kernel takes one struct by value; every field is
// 8 bytes wide, so the Go side packs a []uint64 in field order
// (cuda/internal/geom mirrors these layouts and its tests check the sizes
// against the PTX).
#pragma once

#define MAXR 8   // largest coalesced rank one launch handles
#define MAXOPS 4 // operands with a geometry

typedef long long i64;
typedef unsigned long long u64;
typedef unsigned char u8;

// EW describes up to MAXOPS views of one shape (already coalesced): element
// i (row-major over shape) of operand k is at off[k] + sum(c_d*stride[k][d]).
struct EW {
  i64 n;                    // number of positions
  i64 rank;                 // 1..MAXR
  i64 shape[MAXR];
  i64 stride[MAXOPS][MAXR];
  i64 off[MAXOPS];
  u64 ptr[MAXOPS];          // device addresses of the operands' buffers
  u64 aux[2];               // scratch or flag buffers, per kernel
  i64 op;                   // operation code, per kernel
  double a, b;              // scalar arguments, per kernel
  i64 x[8];                 // integer arguments, per kernel
};

// offsets sets o[k] to the element offset of position i in the first N
// operands. The loops are unrolled so that the struct is read with constant
// offsets (dynamic indexing would copy it to local memory).
template <int N>
__device__ __forceinline__ void offsets(const EW& g, i64 i, i64* o) {
#pragma unroll
  for (int k = 0; k < N; k++) o[k] = g.off[k];
  if (g.rank == 1) {
#pragma unroll
    for (int k = 0; k < N; k++) o[k] += i * g.stride[k][0];
    return;
  }
  // 32-bit division is several times cheaper than 64-bit; the Go side
  // splits launches of rank > 1 so that n fits in 31 bits.
  unsigned r = (unsigned)i;
#pragma unroll
  for (int d = MAXR - 1; d >= 0; d--) {
    if (d < g.rank) {
      unsigned s = (unsigned)g.shape[d];
      unsigned c = r % s;
      r /= s;
#pragma unroll
      for (int k = 0; k < N; k++) o[k] += (i64)c * g.stride[k][d];
    }
  }
}

// Grid-stride loop over the positions of g.
#define FOR_EACH(g, i)                                                      \
  for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (g).n;      \
       i += (i64)blockDim.x * gridDim.x)

// Type traits for the six dtypes. Bool is stored as one byte, 0 or 1.
template <class T> struct Lim;
template <> struct Lim<float> {
  static __device__ float lowest() { return -__int_as_float(0x7f800000); }
  static __device__ float highest() { return __int_as_float(0x7f800000); }
};
template <> struct Lim<double> {
  static __device__ double lowest() { return -__longlong_as_double(0x7ff0000000000000LL); }
  static __device__ double highest() { return __longlong_as_double(0x7ff0000000000000LL); }
};
template <> struct Lim<i64> {
  static __device__ i64 lowest() { return (i64)0x8000000000000000ULL; }
  static __device__ i64 highest() { return 0x7fffffffffffffffLL; }
};
template <> struct Lim<int> {
  static __device__ int lowest() { return (int)0x80000000U; }
  static __device__ int highest() { return 0x7fffffff; }
};
template <> struct Lim<u8> {
  static __device__ u8 lowest() { return 0; }
  static __device__ u8 highest() { return 255; }
};

template <class T> __device__ __forceinline__ bool isnan_(T x) { return x != x; }

// Wrapping integer arithmetic (signed overflow is undefined in C++; Go and
// the CPU backend wrap).
template <class T> struct Unsigned { typedef T type; };
template <> struct Unsigned<i64> { typedef u64 type; };
template <> struct Unsigned<int> { typedef unsigned type; };
template <class T> __device__ __forceinline__ T wadd(T a, T b) {
  typedef typename Unsigned<T>::type U;
  return (T)((U)a + (U)b);
}
template <class T> __device__ __forceinline__ T wsub(T a, T b) {
  typedef typename Unsigned<T>::type U;
  return (T)((U)a - (U)b);
}
template <class T> __device__ __forceinline__ T wmul(T a, T b) {
  typedef typename Unsigned<T>::type U;
  return (T)((U)a * (U)b);
}
template <> __device__ __forceinline__ float wadd(float a, float b) { return a + b; }
template <> __device__ __forceinline__ float wsub(float a, float b) { return a - b; }
template <> __device__ __forceinline__ float wmul(float a, float b) { return a * b; }
template <> __device__ __forceinline__ double wadd(double a, double b) { return a + b; }
template <> __device__ __forceinline__ double wsub(double a, double b) { return a - b; }
template <> __device__ __forceinline__ double wmul(double a, double b) { return a * b; }
template <> __device__ __forceinline__ u8 wadd(u8 a, u8 b) { return (u8)(a + b); }
template <> __device__ __forceinline__ u8 wsub(u8 a, u8 b) { return (u8)(a - b); }
template <> __device__ __forceinline__ u8 wmul(u8 a, u8 b) { return (u8)(a * b); }

// The dtype list, as (C type, suffix) pairs, for instantiating kernels.
#define FOR_NUM(M) M(float, f32) M(double, f64) M(i64, i64) M(int, i32) M(u8, u8)
#define FOR_FLOAT(M) M(float, f32) M(double, f64)
