// runtime.cc: the emulator's launcher: a pool of threads that run the
// threads of one block at a time.
#include <barrier>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "emu.h"

thread_local dim3 threadIdx;
dim3 blockIdx, blockDim, gridDim;

namespace {

std::map<std::string, emu_kernel>& registry() {
  static std::map<std::string, emu_kernel> m;
  return m;
}

std::mutex atomicMu;
std::mutex launchMu;

const int maxThreads = 1024;
std::barrier<>* blockBarrier;
std::barrier<>* warpBarrier[maxThreads / 32];
uint64_t slots[maxThreads / 32][32];

// pool runs the threads of one block at a time on persistent threads.
struct Pool {
  int n;
  std::barrier<> start, done;
  emu_kernel fn = nullptr;
  void* params = nullptr;
  std::vector<std::thread> threads;

  explicit Pool(int n) : n(n), start(n + 1), done(n + 1) {
    for (int i = 0; i < n; i++)
      threads.emplace_back([this, i] {
        threadIdx = {(unsigned)i, 0, 0};
        for (;;) {
          start.arrive_and_wait();
          fn(params);
          done.arrive_and_wait();
        }
      });
    for (auto& t : threads) t.detach();
  }

  void run(emu_kernel f, void* p) {
    fn = f;
    params = p;
    start.arrive_and_wait();
    done.arrive_and_wait();
  }
};

Pool* pool256;

}  // namespace

EmuReg::EmuReg(const char* name, emu_kernel f) { registry()[name] = f; }

void emu_lock() { atomicMu.lock(); }
void emu_unlock() { atomicMu.unlock(); }

void __syncthreads() { blockBarrier->arrive_and_wait(); }

uint64_t emu_shfl_down(uint64_t v, int delta) {
  unsigned w = threadIdx.x / 32, lane = threadIdx.x % 32;
  slots[w][lane] = v;
  warpBarrier[w]->arrive_and_wait();
  uint64_t r = lane + delta < 32 ? slots[w][lane + delta] : v;
  warpBarrier[w]->arrive_and_wait();
  return r;
}

extern "C" int emu_launch(const char* name, int gx, int gy, int gz, int threads, void* params) {
  std::lock_guard<std::mutex> lock(launchMu);
  auto it = registry().find(name);
  if (it == registry().end()) return 1;
  if (threads < 1 || threads > maxThreads || threads % 32 != 0) return 2;
  emu_kernel fn = it->second;
  gridDim = {(unsigned)gx, (unsigned)gy, (unsigned)gz};
  blockDim = {(unsigned)threads, 1, 1};
  std::barrier<> bb(threads);
  blockBarrier = &bb;
  std::vector<std::barrier<>*> wb;
  for (int w = 0; w < threads / 32; w++) warpBarrier[w] = new std::barrier<>(32);
  for (unsigned z = 0; z < (unsigned)gz; z++)
    for (unsigned y = 0; y < (unsigned)gy; y++)
      for (unsigned x = 0; x < (unsigned)gx; x++) {
        blockIdx = {x, y, z};
        if (threads == 256) {
          if (!pool256) pool256 = new Pool(256);
          pool256->run(fn, params);
          continue;
        }
        std::vector<std::thread> ts;
        ts.reserve(threads);
        for (int i = 0; i < threads; i++)
          ts.emplace_back([fn, params, i] {
            threadIdx = {(unsigned)i, 0, 0};
            fn(params);
          });
        for (auto& t : ts) t.join();
      }
  for (int w = 0; w < threads / 32; w++) delete warpBarrier[w];
  return 0;
}

extern "C" int emu_has(const char* name) { return registry().count(name) ? 1 : 0; }
