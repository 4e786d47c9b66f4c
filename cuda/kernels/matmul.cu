// matmul.cu: batched matrix products over strided operands, the fallback
// when cuBLAS cannot be loaded and the path for integer dtypes. Integers
// wrap like Go's (accumulated in unsigned types).
#include "common.cuh"

// MM: dst[b] = a[b] x b[b], a is [batch, m, k] with strides as, b is
// [batch, k, n] with strides bs, dst is contiguous [batch, m, n] at doff.
struct MM {
  i64 batch, m, n, k;
  i64 as[3], bs[3];
  i64 aoff, boff, doff;
  u64 a, b, d;
};

#define TM 64  // tile rows
#define TN 64  // tile columns
#define TK 16  // tile depth

// Each block computes a TM x TN tile with 256 threads, 4 x 4 results each
// (rows ty+16*i, columns tx+16*j), staging TK-deep slices in shared memory.
template <class T, class A>
__device__ void matmul(const MM& p) {
  __shared__ T As[TK][TM + 1];
  __shared__ T Bs[TK][TN + 1];
  const T* a = (const T*)p.a;
  const T* b = (const T*)p.b;
  T* d = (T*)p.d;
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
  const i64 m0 = (i64)blockIdx.y * TM, n0 = (i64)blockIdx.x * TN;
  for (i64 z = blockIdx.z; z < p.batch; z += gridDim.z) {
    A acc[4][4];
#pragma unroll
    for (int i = 0; i < 4; i++)
#pragma unroll
      for (int j = 0; j < 4; j++) acc[i][j] = 0;
    const i64 ab = p.aoff + z * p.as[0], bb = p.boff + z * p.bs[0];
    for (i64 k0 = 0; k0 < p.k; k0 += TK) {
      for (int e = tid; e < TM * TK; e += 256) {
        int r = e / TK, c = e % TK;  // A tile row r, depth c
        i64 gr = m0 + r, gc = k0 + c;
        As[c][r] = (gr < p.m && gc < p.k) ? a[ab + gr * p.as[1] + gc * p.as[2]] : (T)0;
      }
      for (int e = tid; e < TK * TN; e += 256) {
        int r = e / TN, c = e % TN;  // B tile depth r, column c
        i64 gr = k0 + r, gc = n0 + c;
        Bs[r][c] = (gr < p.k && gc < p.n) ? b[bb + gr * p.bs[1] + gc * p.bs[2]] : (T)0;
      }
      __syncthreads();
#pragma unroll
      for (int kk = 0; kk < TK; kk++) {
        A av[4], bv[4];
#pragma unroll
        for (int i = 0; i < 4; i++) av[i] = (A)As[kk][ty + 16 * i];
#pragma unroll
        for (int j = 0; j < 4; j++) bv[j] = (A)Bs[kk][tx + 16 * j];
#pragma unroll
        for (int i = 0; i < 4; i++)
#pragma unroll
          for (int j = 0; j < 4; j++) acc[i][j] += av[i] * bv[j];
      }
      __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < 4; i++) {
      i64 r = m0 + ty + 16 * i;
      if (r >= p.m) continue;
#pragma unroll
      for (int j = 0; j < 4; j++) {
        i64 c = n0 + tx + 16 * j;
        if (c < p.n) d[p.doff + z * p.m * p.n + r * p.n + c] = (T)acc[i][j];
      }
    }
  }
}

extern "C" __global__ void matmul_f32(MM p) { matmul<float, float>(p); }
extern "C" __global__ void matmul_f64(MM p) { matmul<double, double>(p); }
extern "C" __global__ void matmul_i64(MM p) { matmul<i64, u64>(p); }
extern "C" __global__ void matmul_i32(MM p) { matmul<int, unsigned>(p); }
extern "C" __global__ void matmul_u8(MM p) { matmul<u8, unsigned>(p); }
