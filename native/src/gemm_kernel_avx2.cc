// The AVX2/FMA micro-kernel: 6 x 16 tile, 12 ymm accumulators, 2 for B, 1 broadcast of A.
#include <immintrin.h>

#include "gemm_kernel.h"

namespace rekd {
namespace {

constexpr int MR = 6;
constexpr int NR = 16;

void tile_avx2(int kc, const float* a, std::ptrdiff_t a_row, std::ptrdiff_t a_col, const float* b, float* c, std::ptrdiff_t ldc,
               bool accumulate) {
  __m256 acc[MR][2];
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (int p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_load_ps(b);
    const __m256 b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i * a_row);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += a_col;
    b += NR;
  }
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i) {
    float* row = c + i * ldc;
    if (accumulate) {
      acc[i][0] = _mm256_add_ps(acc[i][0], _mm256_loadu_ps(row));
      acc[i][1] = _mm256_add_ps(acc[i][1], _mm256_loadu_ps(row + 8));
    }
    _mm256_storeu_ps(row, acc[i][0]);
    _mm256_storeu_ps(row + 8, acc[i][1]);
  }
}

}  // namespace

// Depth block 256: 6 rows of A (6 KB) and a B panel (16 KB) together fit in a 32 KB L1.
extern const GemmKernel kGemmAvx2{"avx2", MR, NR, 256, tile_avx2};

}  // namespace rekd
