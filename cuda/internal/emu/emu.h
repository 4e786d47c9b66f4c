// emu.h: just enough of CUDA's device environment to compile gonote's
// kernels (cuda/kernels/*.cu) as C++ for the CPU, so that package emu can
// run them in tests. A block runs as blockDim.x threads of a pool;
// __syncthreads is a barrier; warp shuffles exchange through per-warp
// slots; atomics take one lock. Blocks run one after another.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

struct dim3 {
  unsigned x, y, z;
};
extern thread_local dim3 threadIdx;
extern dim3 blockIdx, blockDim, gridDim;

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static

void __syncthreads();
uint64_t emu_shfl_down(uint64_t v, int delta);

template <class T>
inline T __shfl_down_sync(unsigned, T v, int delta) {
  uint64_t b = 0;
  std::memcpy(&b, &v, sizeof(T));
  b = emu_shfl_down(b, delta);
  T r;
  std::memcpy(&r, &b, sizeof(T));
  return r;
}

void emu_lock();
void emu_unlock();

template <class T>
inline T emu_atomic(T* p, T (*f)(T, T), T v) {
  emu_lock();
  T old = *p;
  *p = f(old, v);
  emu_unlock();
  return old;
}

inline float atomicAdd(float* p, float v) { return emu_atomic<float>(p, [](float a, float b) { return a + b; }, v); }
inline double atomicAdd(double* p, double v) { return emu_atomic<double>(p, [](double a, double b) { return a + b; }, v); }
inline int atomicAdd(int* p, int v) {
  return emu_atomic<int>(p, [](int a, int b) { return (int)((unsigned)a + (unsigned)b); }, v);
}
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
  return emu_atomic<unsigned long long>(p, [](unsigned long long a, unsigned long long b) { return a + b; }, v);
}
inline unsigned long long atomicMin(unsigned long long* p, unsigned long long v) {
  return emu_atomic<unsigned long long>(p, [](unsigned long long a, unsigned long long b) { return a < b ? a : b; }, v);
}
inline long long atomicMax(long long* p, long long v) {
  return emu_atomic<long long>(p, [](long long a, long long b) { return a > b ? a : b; }, v);
}
inline unsigned atomicCAS(unsigned* p, unsigned cmp, unsigned v) {
  emu_lock();
  unsigned old = *p;
  if (old == cmp) *p = v;
  emu_unlock();
  return old;
}

inline float __int_as_float(int i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}
inline double __longlong_as_double(long long i) {
  double d;
  std::memcpy(&d, &i, 8);
  return d;
}
inline double cospi(double x) { return std::cos(M_PI * x); }
inline long long min(long long a, long long b) { return a < b ? a : b; }
inline long long max(long long a, long long b) { return a > b ? a : b; }

// Kernel registration, by the generated entries_*.inc files.
typedef void (*emu_kernel)(void*);
struct EmuReg {
  EmuReg(const char* name, emu_kernel f);
};
#define EMU_KERNEL(name, T) \
  static EmuReg emu_reg_##name(#name, [](void* p) { name(*(T*)p); });
