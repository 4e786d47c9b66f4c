// random.cu: random fills. Element i of a fill is a function of (seed, i)
// only (a counter-based generator: SplitMix64's finaliser over the seed and
// the position), so a fill is reproducible and independent of the launch
// geometry. The values differ from tensor/cpu's (PCG streams), as PyTorch's
// CUDA values differ from its CPU values.
#include "common.cuh"

enum { UNIFORM, NORMAL, INTEGERS };

__device__ __forceinline__ u64 mix(u64 z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

__device__ __forceinline__ u64 bits(u64 seed, u64 i) { return mix(mix(seed) + (i + 1) * 0x9E3779B97F4A7C15ULL); }

// u53 is a uniform double in [0, 1).
__device__ __forceinline__ double u53(u64 h) { return (double)(h >> 11) * (1.0 / 9007199254740992.0); }

// draw is the value of position i as tensor/cpu's draw computes it.
__device__ __forceinline__ double draw(const EW& g, u64 seed, i64 i) {
  switch (g.op) {
    case NORMAL: {
      double u1 = 1.0 - u53(bits(seed, 2 * (u64)i));  // (0, 1]
      double u2 = u53(bits(seed, 2 * (u64)i + 1));
      return g.a + g.b * sqrt(-2.0 * log(u1)) * cospi(2.0 * u2);
    }
    case INTEGERS: {
      u64 range = (u64)((i64)g.b - (i64)g.a);
      return floor(g.a) + (double)(bits(seed, i) % range);
    }
  }
  return g.a + u53(bits(seed, i)) * (g.b - g.a);
}

// random_X fills ptr[0] from off[0] on, n elements; x[0] is the seed.
extern "C" __global__ void random_f32(EW g) {
  float* d = (float*)g.ptr[0] + g.off[0];
  const u64 seed = (u64)g.x[0];
  FOR_EACH(g, i) {
    if (g.op == UNIFORM) {
      // 24 random bits give every float32 in [0, 1) equally spaced.
      float u = (float)(bits(seed, i) >> 40) * (1.0f / 16777216.0f);
      d[i] = (float)g.a + u * (float)(g.b - g.a);
    } else {
      d[i] = (float)draw(g, seed, i);
    }
  }
}

extern "C" __global__ void random_f64(EW g) {
  double* d = (double*)g.ptr[0] + g.off[0];
  FOR_EACH(g, i) d[i] = draw(g, (u64)g.x[0], i);
}

extern "C" __global__ void random_i64(EW g) {
  i64* d = (i64*)g.ptr[0] + g.off[0];
  FOR_EACH(g, i) d[i] = (i64)draw(g, (u64)g.x[0], i);
}

extern "C" __global__ void random_i32(EW g) {
  int* d = (int*)g.ptr[0] + g.off[0];
  FOR_EACH(g, i) d[i] = (int)(i64)draw(g, (u64)g.x[0], i);
}

extern "C" __global__ void random_u8(EW g) {
  u8* d = (u8*)g.ptr[0] + g.off[0];
  FOR_EACH(g, i) d[i] = (u8)(i64)draw(g, (u64)g.x[0], i);
}

extern "C" __global__ void random_b8(EW g) {
  u8* d = (u8*)g.ptr[0] + g.off[0];
  FOR_EACH(g, i) d[i] = draw(g, (u64)g.x[0], i) != 0;
}
