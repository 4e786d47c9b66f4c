// reduce.cu: reductions over axes, arg-reductions, scans and sorting along
// one axis. Semantics follow tensor/cpu/reduce.go: NaN propagates through
// Max and Min and counts as the extreme in ArgReduce (first occurrence
// wins), scans accumulate in float64/int64 in order, and the sort is
// stable with NaN as the largest value.
#include "common.cuh"

enum { SUM, PROD, MAX, MIN, ALL, ANY };

// Red describes a reduction of src over its reduced dimensions (rshape,
// rstride) for each output position (kshape; kept dimensions, with strides
// ksrc in src and kdst in dst). Work is split over grid.y into `splits`
// chunks of `chunk` reduced positions; with partial set, block (o, y)
// writes dst[o*splits+y] (a contiguous scratch buffer) instead of the
// output, and a second launch reduces the partials.
struct Red {
  i64 outputs, r;
  i64 krank, rrank;
  i64 kshape[MAXR], ksrc[MAXR], kdst[MAXR];
  i64 rshape[MAXR], rstride[MAXR];
  i64 srcoff, dstoff;
  u64 src, dst;
  i64 op, splits, chunk, mode, partial;
};

// keptOffsets returns the src and dst offsets of output o.
__device__ __forceinline__ void keptOffsets(const Red& p, i64 o, i64* so, i64* dof) {
  i64 s = p.srcoff, d = p.dstoff;
#pragma unroll
  for (int k = MAXR - 1; k >= 0; k--) {
    if (k < p.krank) {
      i64 c = o % p.kshape[k];
      o /= p.kshape[k];
      s += c * p.ksrc[k];
      d += c * p.kdst[k];
    }
  }
  *so = s;
  *dof = d;
}

__device__ __forceinline__ i64 redOffset(const Red& p, i64 j) {
  if (p.rrank == 1) return j * p.rstride[0];
  i64 s = 0;
  if (p.r <= 0x7fffffffLL) {
    unsigned u = (unsigned)j;
#pragma unroll
    for (int k = MAXR - 1; k >= 0; k--) {
      if (k < p.rrank) {
        unsigned c = u % (unsigned)p.rshape[k];
        u /= (unsigned)p.rshape[k];
        s += (i64)c * p.rstride[k];
      }
    }
    return s;
  }
#pragma unroll
  for (int k = MAXR - 1; k >= 0; k--) {
    if (k < p.rrank) {
      i64 c = j % p.rshape[k];
      j /= p.rshape[k];
      s += c * p.rstride[k];
    }
  }
  return s;
}

// Acc is the accumulator type of a source type.
template <class T> struct Acc { typedef T type; };

template <class A>
__device__ __forceinline__ A identity(int op) {
  switch (op) {
    case PROD: case ALL: return (A)1;
    case MAX: return Lim<A>::lowest();
    case MIN: return Lim<A>::highest();
  }
  return (A)0;
}

template <class A>
__device__ __forceinline__ A fold(int op, A a, A v) {
  switch (op) {
    case SUM: return wadd(a, v);
    case PROD: return wmul(a, v);
    case MAX: return (a == a && (v > a || v != v)) ? v : a;
    case MIN: return (a == a && (v < a || v != v)) ? v : a;
    case ALL: return (A)(a && v);
    case ANY: return (A)(a || v);
  }
  return a;
}

template <class T>
__device__ void reduce(const Red& p) {
  typedef typename Acc<T>::type A;
  const T* src = (const T*)p.src;
  T* dst = (T*)p.dst;
  const int op = (int)p.op;
  const i64 y = blockIdx.y;
  const i64 lo = y * p.chunk;
  const i64 hi = min(lo + p.chunk, p.r);
  if (p.mode == 0) {
    // One block per output; its threads share the reduced positions.
    __shared__ A sh[256];
    for (i64 o = blockIdx.x; o < p.outputs; o += gridDim.x) {
      i64 so, dof;
      keptOffsets(p, o, &so, &dof);
      A a = identity<A>(op);
      for (i64 j = lo + threadIdx.x; j < hi; j += blockDim.x) a = fold<A>(op, a, (A)src[so + redOffset(p, j)]);
      sh[threadIdx.x] = a;
      __syncthreads();
      for (int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (threadIdx.x < s) sh[threadIdx.x] = fold<A>(op, sh[threadIdx.x], sh[threadIdx.x + s]);
        __syncthreads();
      }
      if (threadIdx.x == 0) {
        if (p.partial) dst[o * p.splits + y] = (T)sh[0];
        else dst[dof] = (T)sh[0];
      }
      __syncthreads();
    }
    return;
  }
  // One thread per output: neighbouring threads read neighbouring elements
  // when the kept dimension is the contiguous one.
  for (i64 o = (i64)blockIdx.x * blockDim.x + threadIdx.x; o < p.outputs; o += (i64)blockDim.x * gridDim.x) {
    i64 so, dof;
    keptOffsets(p, o, &so, &dof);
    A a = identity<A>(op);
    for (i64 j = lo; j < hi; j++) a = fold<A>(op, a, (A)src[so + redOffset(p, j)]);
    if (p.partial) dst[o * p.splits + y] = (T)a;
    else dst[dof] = (T)a;
  }
}

#define REDUCE(T, S) extern "C" __global__ void reduce_##S(Red p) { reduce<T>(p); }
FOR_NUM(REDUCE)
REDUCE(u8, b8)

// Lines: an EW over the positions of src with the axis removed; x[0] is
// the axis length and x[1+k] operand k's stride along the axis.

// better reports whether (v, i) beats (b, bi) for Max (max true) or Min:
// NaN is the extreme, and ties go to the smaller index.
template <class T>
__device__ __forceinline__ bool better(bool max, T v, i64 i, T b, i64 bi) {
  bool vn = v != v, bn = b != b;
  if (vn || bn) return vn && (!bn || i < bi);
  if (v == b) return i < bi;
  return max ? v > b : v < b;
}

// argreduce: one warp per line; operands values, indices, src.
template <class T>
__device__ void argreduce(const EW& g) {
  const bool max = g.op == MAX;
  const i64 len = g.x[0];
  T* vals = (T*)g.ptr[0];
  i64* idx = (i64*)g.ptr[1];
  const T* src = (const T*)g.ptr[2];
  const int lane = threadIdx.x & 31;
  const i64 warps = ((i64)blockDim.x * gridDim.x) >> 5;
  if (len == 0) return;
  for (i64 l = ((i64)blockIdx.x * blockDim.x + threadIdx.x) >> 5; l < g.n; l += warps) {
    i64 o[3];
    offsets<3>(g, l, o);
    T b = src[o[2]];
    i64 bi = len;  // no candidate yet
    for (i64 i = lane; i < len; i += 32) {
      T v = src[o[2] + i * g.x[3]];
      if (bi == len || better(max, v, i, b, bi)) b = v, bi = i;
    }
    for (int s = 16; s > 0; s >>= 1) {
      T ov = __shfl_down_sync(0xffffffffu, b, s);
      i64 oi = __shfl_down_sync(0xffffffffu, bi, s);
      if (oi != len && (bi == len || better(max, ov, oi, b, bi))) b = ov, bi = oi;
    }
    if (lane == 0) {
      vals[o[0]] = b;
      idx[o[1]] = bi;
    }
  }
}

// u8 cannot be shuffled directly; widen it.
template <>
__device__ void argreduce<u8>(const EW& g) {
  const bool max = g.op == MAX;
  const i64 len = g.x[0];
  u8* vals = (u8*)g.ptr[0];
  i64* idx = (i64*)g.ptr[1];
  const u8* src = (const u8*)g.ptr[2];
  const int lane = threadIdx.x & 31;
  const i64 warps = ((i64)blockDim.x * gridDim.x) >> 5;
  if (len == 0) return;
  for (i64 l = ((i64)blockIdx.x * blockDim.x + threadIdx.x) >> 5; l < g.n; l += warps) {
    i64 o[3];
    offsets<3>(g, l, o);
    int b = 0;
    i64 bi = len;
    for (i64 i = lane; i < len; i += 32) {
      int v = src[o[2] + i * g.x[3]];
      if (bi == len || better(max, v, i, b, bi)) b = v, bi = i;
    }
    for (int s = 16; s > 0; s >>= 1) {
      int ov = __shfl_down_sync(0xffffffffu, b, s);
      i64 oi = __shfl_down_sync(0xffffffffu, bi, s);
      if (oi != len && (bi == len || better(max, ov, oi, b, bi))) b = ov, bi = oi;
    }
    if (lane == 0) {
      vals[o[0]] = (u8)b;
      idx[o[1]] = bi;
    }
  }
}

#define ARGREDUCE(T, S) extern "C" __global__ void argreduce_##S(EW g) { argreduce<T>(g); }
FOR_NUM(ARGREDUCE)

// scan: one thread per line, in order, accumulating in A like the CPU.
template <class T, class A>
__device__ void scan(const EW& g) {
  T* d = (T*)g.ptr[0];
  const T* s = (const T*)g.ptr[1];
  const i64 len = g.x[0], ds = g.x[1], ss = g.x[2];
  FOR_EACH(g, l) {
    i64 o[2];
    offsets<2>(g, l, o);
    A a = g.op == 0 ? (A)0 : (A)1;
    for (i64 i = 0; i < len; i++) {
      A v = (A)s[o[1] + i * ss];
      a = g.op == 0 ? wadd(a, v) : wmul(a, v);
      d[o[0] + i * ds] = (T)a;
    }
  }
}

extern "C" __global__ void scan_f32(EW g) { scan<float, double>(g); }
extern "C" __global__ void scan_f64(EW g) { scan<double, double>(g); }
extern "C" __global__ void scan_i64(EW g) { scan<i64, i64>(g); }

// Sorting: each line is copied into a power-of-two scratch row (keys in
// aux[0], source positions in aux[1], padding marked by position -1), sorted
// there by a bitonic network over (key, position), which makes it stable,
// and copied out. Operands values, indices, src; x[4] is the padded length
// P, x[5] and x[6] the stage (k, j) of sort_step; op is 1 for descending.

template <class T> __device__ __forceinline__ bool less(T a, T b) { return a < b; }
template <> __device__ __forceinline__ bool less(float a, float b) { return a < b || (b != b && a == a); }
template <> __device__ __forceinline__ bool less(double a, double b) { return a < b || (b != b && a == a); }

// before reports whether (a, ai) goes before (b, bi); padding goes last.
template <class T>
__device__ __forceinline__ bool before(bool desc, T a, i64 ai, T b, i64 bi) {
  if (ai < 0 || bi < 0) return bi < 0 && ai >= 0;
  bool lt = desc ? less(b, a) : less(a, b);
  bool gt = desc ? less(a, b) : less(b, a);
  if (lt) return true;
  if (gt) return false;
  return ai < bi;
}

#define FOR_SCRATCH(g, t)                                                     \
  for (i64 t = (i64)blockIdx.x * blockDim.x + threadIdx.x; t < (g).n * (g).x[4]; \
       t += (i64)blockDim.x * gridDim.x)

template <class T>
__device__ void sort_load(const EW& g) {
  const i64 len = g.x[0], P = g.x[4];
  T* keys = (T*)g.aux[0];
  i64* pos = (i64*)g.aux[1];
  const T* src = (const T*)g.ptr[2];
  FOR_SCRATCH(g, t) {
    i64 l = t / P, j = t % P;
    if (j < len) {
      i64 o[3];
      offsets<3>(g, l, o);
      keys[t] = src[o[2] + j * g.x[3]];
      pos[t] = j;
    } else {
      pos[t] = -1;
    }
  }
}

template <class T>
__device__ void sort_step(const EW& g) {
  const i64 P = g.x[4], k = g.x[5], j = g.x[6];
  T* keys = (T*)g.aux[0];
  i64* pos = (i64*)g.aux[1];
  const bool desc = g.op != 0;
  FOR_SCRATCH(g, t) {
    i64 i = t % P, base = t - i, l = i ^ j;
    if (l <= i) continue;
    T a = keys[base + i], b = keys[base + l];
    i64 ai = pos[base + i], bi = pos[base + l];
    bool up = (i & k) == 0;
    if (up ? before(desc, b, bi, a, ai) : before(desc, a, ai, b, bi)) {
      keys[base + i] = b, keys[base + l] = a;
      pos[base + i] = bi, pos[base + l] = ai;
    }
  }
}

template <class T>
__device__ void sort_store(const EW& g) {
  const i64 len = g.x[0], P = g.x[4];
  const T* keys = (const T*)g.aux[0];
  const i64* pos = (const i64*)g.aux[1];
  T* vals = (T*)g.ptr[0];
  i64* idx = (i64*)g.ptr[1];
  FOR_SCRATCH(g, t) {
    i64 l = t / P, j = t % P;
    if (j >= len) continue;
    i64 o[3];
    offsets<3>(g, l, o);
    vals[o[0] + j * g.x[1]] = keys[t];
    idx[o[1] + j * g.x[2]] = pos[t];
  }
}

#define SORT(T, S)                                                        \
  extern "C" __global__ void sort_load_##S(EW g) { sort_load<T>(g); }   \
  extern "C" __global__ void sort_step_##S(EW g) { sort_step<T>(g); }   \
  extern "C" __global__ void sort_store_##S(EW g) { sort_store<T>(g); }
FOR_NUM(SORT)
SORT(u8, b8)
