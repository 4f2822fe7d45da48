// The AVX-512 micro-kernel: 8 x 32 tile, 16 zmm accumulators, 2 for B, 1 broadcast of A. Compiled
// with AVX-512 flags (build.mjs) and only called where the CPU has AVX-512F.
#include <immintrin.h>

#include "gemm_kernel.h"

namespace rekd {
namespace {

constexpr int MR = 8;
constexpr int NR = 32;

void tile_avx512(int kc, const float* a, std::ptrdiff_t a_row, std::ptrdiff_t a_col, const float* b, float* c, std::ptrdiff_t ldc,
                 bool accumulate) {
  __m512 acc[MR][2];
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int p = 0; p < kc; ++p) {
    const __m512 b0 = _mm512_load_ps(b);
    const __m512 b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i * a_row]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += a_col;
    b += NR;
  }
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) {
    float* row = c + i * ldc;
    if (accumulate) {
      acc[i][0] = _mm512_add_ps(acc[i][0], _mm512_loadu_ps(row));
      acc[i][1] = _mm512_add_ps(acc[i][1], _mm512_loadu_ps(row + 16));
    }
    _mm512_storeu_ps(row, acc[i][0]);
    _mm512_storeu_ps(row + 16, acc[i][1]);
  }
}

}  // namespace

// Depth block 256: 8 rows of A (8 KB) and a B panel (32 KB) fit in the 48 KB L1 of AVX-512 cores.
extern const GemmKernel kGemmAvx512{"avx512", MR, NR, 256, tile_avx512};

}  // namespace rekd
