// The AVX-512 micro-kernel: 8 x 32 tile, 16 zmm accumulators, 2 for B, 1 broadcast of A. Compiled
// with AVX-512 flags (build.mjs) and only called where the CPU has AVX-512F.
#include <immintrin.h>

#include "gemm_kernel.h"
#include "gemm_tile.h"

namespace rekd {
namespace {

struct Avx512 {
  using Vector = __m512;
  static constexpr int width = 16;
  static Vector zero() { return _mm512_setzero_ps(); }
  static Vector load(const float* p) { return _mm512_load_ps(p); }
  static Vector loadu(const float* p) { return _mm512_loadu_ps(p); }
  static Vector broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static Vector fmadd(Vector a, Vector b, Vector c) { return _mm512_fmadd_ps(a, b, c); }
  static Vector add(Vector a, Vector b) { return _mm512_add_ps(a, b); }
  static void storeu(float* p, Vector v) { _mm512_storeu_ps(p, v); }
};

constexpr int MR = 8;

}  // namespace

// Depth block 256: 8 rows of A (8 KB) and a B panel (32 KB) fit in the 48 KB L1 of AVX-512 cores.
extern const GemmKernel kGemmAvx512{"avx512", MR, 2 * Avx512::width, 256, tile_of<Avx512, MR, 2>};

// For products at most 16 columns wide (16-channel layers), where the 32-wide tile would compute
// half padding: 14 x 16, 14 zmm accumulators.
extern const GemmKernel kGemmAvx512Narrow{"avx512", 14, Avx512::width, 256, tile_of<Avx512, 14, 1>};

}  // namespace rekd
