// index.cu: gather and scatter by an Int64 index along one axis, and the
// bounds check both run first (tensor/cpu checks every index before it
// writes anything).
#include "common.cuh"

// check_index: operand 0 is the index; x[0] the exclusive limit; aux[0] a
// u64 set to the smallest bad position (row-major, plus the base x[2]).
extern "C" __global__ void check_index(EW g) {
  const i64* idx = (const i64*)g.ptr[0];
  u64* bad = (u64*)g.aux[0];
  FOR_EACH(g, i) {
    i64 o[1];
    offsets<1>(g, i, o);
    i64 j = idx[o[0]];
    if (j < 0 || j >= g.x[0]) atomicMin(bad, (u64)(i + g.x[2]));
  }
}

// gather: operands dst, index, src (its axis stride zeroed); x[1] is src's
// stride along the axis.
template <class T>
__device__ void gather(const EW& g) {
  T* d = (T*)g.ptr[0];
  const i64* idx = (const i64*)g.ptr[1];
  const T* s = (const T*)g.ptr[2];
  FOR_EACH(g, i) {
    i64 o[3];
    offsets<3>(g, i, o);
    d[o[0]] = s[o[2] + idx[o[1]] * g.x[1]];
  }
}

#define GATHER(T, S) extern "C" __global__ void gather_##S(EW g) { gather<T>(g); }
FOR_NUM(GATHER)
GATHER(u8, b8)

// Scatter: operands dst (axis stride zeroed), index, src; x[1] is dst's
// stride along the axis, x[2] the position of element 0 in the whole
// (row-major) index. Without accumulation the last position wins, as on the
// CPU: scatter_win records the largest position per target in aux[0] (one
// i64 per element of dst's buffer, preset to -1), then scatter_X writes
// only the winners.
extern "C" __global__ void scatter_win(EW g) {
  const i64* idx = (const i64*)g.ptr[1];
  long long* win = (long long*)g.aux[0];
  FOR_EACH(g, i) {
    i64 o[2];
    offsets<2>(g, i, o);
    atomicMax(&win[o[0] + idx[o[1]] * g.x[1]], i + g.x[2]);
  }
}

template <class T>
__device__ void scatter(const EW& g) {
  T* d = (T*)g.ptr[0];
  const i64* idx = (const i64*)g.ptr[1];
  const T* s = (const T*)g.ptr[2];
  const i64* win = (const i64*)g.aux[0];
  FOR_EACH(g, i) {
    i64 o[3];
    offsets<3>(g, i, o);
    i64 t = o[0] + idx[o[1]] * g.x[1];
    if (win[t] == i + g.x[2]) d[t] = s[o[2]];
  }
}

#define SCATTER(T, S) extern "C" __global__ void scatter_##S(EW g) { scatter<T>(g); }
FOR_NUM(SCATTER)
SCATTER(u8, b8)

__device__ __forceinline__ void atomicAdd_(float* p, float v) { atomicAdd(p, v); }
__device__ __forceinline__ void atomicAdd_(double* p, double v) { atomicAdd(p, v); }
__device__ __forceinline__ void atomicAdd_(i64* p, i64 v) { atomicAdd((u64*)p, (u64)v); }
__device__ __forceinline__ void atomicAdd_(int* p, int v) { atomicAdd(p, v); }
// Bytes are added through a compare-and-swap on their aligned word.
__device__ __forceinline__ void atomicAdd_(u8* p, u8 v) {
  unsigned* w = (unsigned*)((u64)p & ~(u64)3);
  unsigned sh = ((u64)p & 3) * 8;
  unsigned old = *w, assumed;
  do {
    assumed = old;
    unsigned b = ((assumed >> sh) + v) & 0xff;
    old = atomicCAS(w, assumed, (assumed & ~(0xffu << sh)) | (b << sh));
  } while (old != assumed);
}

// scatter_add_X adds src into dst; the order of additions is not fixed, so
// float sums may differ from the CPU's in the last bits.
template <class T>
__device__ void scatter_add(const EW& g) {
  T* d = (T*)g.ptr[0];
  const i64* idx = (const i64*)g.ptr[1];
  const T* s = (const T*)g.ptr[2];
  FOR_EACH(g, i) {
    i64 o[3];
    offsets<3>(g, i, o);
    atomicAdd_(&d[o[0] + idx[o[1]] * g.x[1]], s[o[2]]);
  }
}

#define SCATTER_ADD(T, S) extern "C" __global__ void scatter_add_##S(EW g) { scatter_add<T>(g); }
FOR_NUM(SCATTER_ADD)

// Adding bools is logical or: a true source sets the target.
extern "C" __global__ void scatter_add_b8(EW g) {
  u8* d = (u8*)g.ptr[0];
  const i64* idx = (const i64*)g.ptr[1];
  const u8* s = (const u8*)g.ptr[2];
  FOR_EACH(g, i) {
    i64 o[3];
    offsets<3>(g, i, o);
    if (s[o[2]]) d[o[0] + idx[o[1]] * g.x[1]] = 1;
  }
}
