// exp over float32 arrays, vectorised through glibc's libmvec (_ZGVdN8v_expf: 8 lanes of AVX2,
// within 1 ulp of expf). This file alone is compiled with -ffast-math -fopenmp-simd (build.mjs),
// which is what lets g++ call the vector function; the loop does nothing else.
#include "exp.h"

#include <cmath>

#include "parallel.h"

namespace rekd {

void exp_array(const float* x, std::size_t size, float* y) {
  parallel_ranges(size, std::size_t{1} << 14, [&](std::size_t first, std::size_t last) {
    const float* __restrict in = x;
    float* __restrict out = y;
#pragma omp simd
    for (std::size_t i = first; i < last; ++i) out[i] = std::exp(in[i]);
  });
}

void swish_forward(const float* x, std::size_t size, float* y) {
  parallel_ranges(size, std::size_t{1} << 14, [&](std::size_t first, std::size_t last) {
    const float* __restrict in = x;
    float* __restrict out = y;
#pragma omp simd
    for (std::size_t i = first; i < last; ++i) out[i] = in[i] / (1.0f + std::exp(-in[i]));
  });
}

void swish_backprop(const float* dy, const float* x, std::size_t size, float* dx) {
  parallel_ranges(size, std::size_t{1} << 14, [&](std::size_t first, std::size_t last) {
    const float* __restrict grad = dy;
    const float* __restrict in = x;
    float* __restrict out = dx;
#pragma omp simd
    for (std::size_t i = first; i < last; ++i) {
      const float s = 1.0f / (1.0f + std::exp(-in[i]));
      out[i] = grad[i] * (s + in[i] * s * (1.0f - s));
    }
  });
}

}  // namespace rekd
