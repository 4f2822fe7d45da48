#include "gemm.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <new>

#if !defined(__AVX2__) || !defined(__FMA__)
#error "the native kernels need AVX2 and FMA (x86-64-v3)"
#endif

namespace rekd {
namespace {

// Register tile: 6 rows x 16 columns = 12 ymm accumulators, 2 for B, 1 broadcast of A.
constexpr int MR = 6;
constexpr int NR = 16;
// Depth block: 6 rows of A (6 x 256) and a B panel (256 x 16) together fit in L1 (22 KB).
constexpr int KC = 256;
// Row block: the A block a row of tiles reads (144 x 256, 144 KB) stays in the 512 KB L2.
constexpr int MC = 144;

// tile (6 x 16, row stride ldc) = or += a (6 x kc) * b_panel (kc x 16). Element (i, p) of a is
// a[i * a_row + p * a_col]: a packed panel (1, 6) or rows read in place (lda, 1).
void micro_kernel(int kc, const float* a, std::ptrdiff_t a_row, std::ptrdiff_t a_col, const float* b, float* c, std::ptrdiff_t ldc,
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

// A partial tile (rows x cols < 6 x 16) goes through a full one on the stack.
void edge_kernel(int kc, const float* a, std::ptrdiff_t a_row, std::ptrdiff_t a_col, const float* b, float* c, std::ptrdiff_t ldc,
                 bool accumulate, int rows, int cols) {
  alignas(64) float tile[MR * NR];
  micro_kernel(kc, a, a_row, a_col, b, tile, NR, false);
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) c[i * ldc + j] = accumulate ? c[i * ldc + j] + tile[i * NR + j] : tile[i * NR + j];
  }
}

// The last rows (fewer than 6) of A over depth [depth, depth + kc), as a column-major 6-row
// panel padded with zero rows, so the micro-kernel can read 6 rows.
void pack_last_rows(MatrixView a, int row, int rows, int depth, int kc, float* out) {
  const float* src = a.data + row * a.row_stride + depth * a.col_stride;
  for (int p = 0; p < kc; ++p) {
    for (int i = 0; i < MR; ++i) out[p * MR + i] = i < rows ? src[i * a.row_stride + p * a.col_stride] : 0.0f;
  }
}

}  // namespace

float* AlignedBuffer::reserve(std::size_t count) {
  if (count > capacity_) {
    const std::size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
    float* fresh = static_cast<float*>(std::aligned_alloc(64, bytes));
    if (fresh == nullptr) throw std::bad_alloc();
    data_.reset(fresh);
    capacity_ = bytes / sizeof(float);
  }
  return data_.get();
}

PackedB::PackedB(MatrixView b, int k, int n) : k_(k), n_(n), panels_((n + NR - 1) / NR) {
  float* out = storage_.reserve(static_cast<std::size_t>(std::max(k, 1)) * panels_ * NR);
  // Depth blocks one after another; within one, each panel is kc rows of 16 (zero-padded) columns.
  for (int depth = 0; depth < k; depth += KC) {
    const int kc = std::min(KC, k - depth);
    for (int panel = 0; panel < panels_; ++panel) {
      const int col = panel * NR;
      const int width = std::min(NR, n - col);
      const float* src = b.data + depth * b.row_stride + col * b.col_stride;
      for (int p = 0; p < kc; ++p) {
        const float* row = src + p * b.row_stride;
        if (width == NR && b.col_stride == 1) {
          std::memcpy(out, row, NR * sizeof(float));
        } else {
          for (int j = 0; j < NR; ++j) out[j] = j < width ? row[j * b.col_stride] : 0.0f;
        }
        out += NR;
      }
    }
  }
}

const float* PackedB::panel(int depth, int panel) const {
  const int kc = std::min(KC, k_ - depth);
  return storage_.data() + static_cast<std::ptrdiff_t>(depth) * panels_ * NR +
         static_cast<std::ptrdiff_t>(panel) * kc * NR;
}

void gemm_packed(int m, MatrixView a, const PackedB& b, float* c, std::ptrdiff_t ldc, bool accumulate) {
  const int n = b.n();
  const int k = b.k();
  if (k == 0) {
    if (!accumulate) {
      for (int i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
    }
    return;
  }
  // A is read in place, 6 rows at a time: measured as fast as packing it or faster (up to 1.5x
  // on products 16-64 columns wide), the hardware prefetchers following the 6 row streams.
  thread_local AlignedBuffer edge_buffer;
  float* edge = edge_buffer.reserve(static_cast<std::size_t>(MR) * KC);
  for (int row = 0; row < m; row += MC) {
    const int mc = std::min(MC, m - row);
    for (int depth = 0; depth < k; depth += KC) {
      const int kc = std::min(KC, k - depth);
      // Later depth blocks add to what the first one wrote.
      const bool add = accumulate || depth > 0;
      const int full_rows = mc / MR * MR;
      if (full_rows < mc) pack_last_rows(a, row + full_rows, mc - full_rows, depth, kc, edge);
      for (int col = 0; col < n; col += NR) {
        const float* b_panel = b.panel(depth, col / NR);
        const int cols = std::min(NR, n - col);
        for (int i = 0; i < mc; i += MR) {
          const int rows = std::min(MR, mc - i);
          float* tile = c + (row + i) * ldc + col;
          const bool packed = i >= full_rows;
          const float* a_panel = packed ? edge : a.data + (row + i) * a.row_stride + depth * a.col_stride;
          const std::ptrdiff_t a_row = packed ? 1 : a.row_stride;
          const std::ptrdiff_t a_col = packed ? MR : a.col_stride;
          if (rows == MR && cols == NR) {
            micro_kernel(kc, a_panel, a_row, a_col, b_panel, tile, ldc, add);
          } else {
            edge_kernel(kc, a_panel, a_row, a_col, b_panel, tile, ldc, add, rows, cols);
          }
        }
      }
    }
  }
}

void gemm(int m, int n, int k, MatrixView a, MatrixView b, float* c, std::ptrdiff_t ldc, bool accumulate) {
  const PackedB packed(b, k, n);
  gemm_packed(m, a, packed, c, ldc, accumulate);
}

}  // namespace rekd
