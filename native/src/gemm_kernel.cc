#include "gemm_kernel.h"

#include <cstdlib>
#include <cstring>

namespace rekd {
namespace {

bool cpu_has_avx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}

const GemmKernel* initial_kernel() {
  const char* forced = std::getenv("REKD_CPU");
  if (forced != nullptr && std::strcmp(forced, "avx2") == 0) return &kGemmAvx2;
  return cpu_has_avx512() ? &kGemmAvx512 : &kGemmAvx2;
}

const GemmKernel* active = initial_kernel();

}  // namespace

const GemmKernel& gemm_kernel() { return *active; }

const GemmKernel& gemm_kernel_for(int n) { return active == &kGemmAvx512 && n <= kGemmAvx512Narrow.nr ? kGemmAvx512Narrow : *active; }

const char* select_gemm_kernel(const char* name) {
  if (std::strcmp(name, "avx2") == 0) {
    active = &kGemmAvx2;
    return nullptr;
  }
  if (std::strcmp(name, "avx512") == 0) {
    if (!cpu_has_avx512()) return "this CPU has no AVX-512F";
    active = &kGemmAvx512;
    return nullptr;
  }
  return "unknown kernel path (expected avx2 or avx512)";
}

}  // namespace rekd
