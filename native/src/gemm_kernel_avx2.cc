// The AVX2/FMA micro-kernel: 6 x 16 tile, 12 ymm accumulators, 2 for B, 1 broadcast of A.
#include <immintrin.h>

#include "gemm_kernel.h"
#include "gemm_tile.h"

namespace rekd {
namespace {

struct Avx2 {
  using Vector = __m256;
  static constexpr int width = 8;
  static Vector zero() { return _mm256_setzero_ps(); }
  static Vector load(const float* p) { return _mm256_load_ps(p); }
  static Vector loadu(const float* p) { return _mm256_loadu_ps(p); }
  static Vector broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static Vector fmadd(Vector a, Vector b, Vector c) { return _mm256_fmadd_ps(a, b, c); }
  static Vector add(Vector a, Vector b) { return _mm256_add_ps(a, b); }
  static void storeu(float* p, Vector v) { _mm256_storeu_ps(p, v); }
};

constexpr int MR = 6;

}  // namespace

// Depth block 256: 6 rows of A (6 KB) and a B panel (16 KB) together fit in a 32 KB L1.
extern const GemmKernel kGemmAvx2{"avx2", MR, 2 * Avx2::width, 256, tile_of<Avx2, MR, 2>};

}  // namespace rekd
