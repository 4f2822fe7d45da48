#include "gemm.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "parallel.h"

namespace rekd {
namespace {

// Row block: the A block a row of tiles reads (about 150 x 256 floats, 150 KB) stays in L2.
constexpr int kRowBlockTiles = 24;
// Below this many multiply-adds a product runs on one thread: waking the pool costs more.
constexpr double kParallelMacs = 1 << 19;

// A partial tile (rows x cols < mr x nr) goes through a full one on the stack.
void edge_tile(const GemmKernel& kernel, int kc, const float* a, std::ptrdiff_t a_row, std::ptrdiff_t a_col, const float* b, float* c,
               std::ptrdiff_t ldc, bool accumulate, int rows, int cols) {
  alignas(64) float tile[kMaxTile];
  kernel.tile(kc, a, a_row, a_col, b, tile, kernel.nr, false);
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) c[i * ldc + j] = accumulate ? c[i * ldc + j] + tile[i * kernel.nr + j] : tile[i * kernel.nr + j];
  }
}

// The last rows (fewer than mr) of A over depth [depth, depth + kc), as a column-major mr-row
// panel padded with zero rows, so the micro-kernel can read mr rows.
void pack_last_rows(int mr, MatrixView a, int row, int rows, int depth, int kc, float* out) {
  const float* src = a.data + row * a.row_stride + depth * a.col_stride;
  for (int p = 0; p < kc; ++p) {
    for (int i = 0; i < mr; ++i) out[p * mr + i] = i < rows ? src[i * a.row_stride + p * a.col_stride] : 0.0f;
  }
}

// C[rows [row, row + mc), panels [first_panel, last_panel)] = or += A * B.
void gemm_block(int row, int mc, int first_panel, int last_panel, MatrixView a, const PackedB& b, float* c, std::ptrdiff_t ldc,
                bool accumulate) {
  const GemmKernel& kernel = b.kernel();
  const int mr = kernel.mr, nr = kernel.nr, n = b.n(), k = b.k();
  // A is read in place, mr rows at a time: measured as fast as packing it or faster (up to 1.5x
  // on products 16-64 columns wide), the hardware prefetchers following the row streams.
  thread_local AlignedBuffer edge_buffer;
  float* edge = edge_buffer.reserve(static_cast<std::size_t>(mr) * kernel.kc);
  const int full_rows = mc / mr * mr;
  for (int depth = 0; depth < k; depth += kernel.kc) {
    const int kc = std::min(kernel.kc, k - depth);
    // Later depth blocks add to what the first one wrote.
    const bool add = accumulate || depth > 0;
    if (full_rows < mc) pack_last_rows(mr, a, row + full_rows, mc - full_rows, depth, kc, edge);
    for (int panel = first_panel; panel < last_panel; ++panel) {
      const int col = panel * nr;
      const float* b_panel = b.panel(depth, panel);
      const int cols = std::min(nr, n - col);
      for (int i = 0; i < mc; i += mr) {
        const int rows = std::min(mr, mc - i);
        float* tile = c + (row + i) * ldc + col;
        const bool packed = i >= full_rows;
        const float* a_panel = packed ? edge : a.data + (row + i) * a.row_stride + depth * a.col_stride;
        const std::ptrdiff_t a_row = packed ? 1 : a.row_stride;
        const std::ptrdiff_t a_col = packed ? mr : a.col_stride;
        if (rows == mr && cols == nr) {
          kernel.tile(kc, a_panel, a_row, a_col, b_panel, tile, ldc, add);
        } else {
          edge_tile(kernel, kc, a_panel, a_row, a_col, b_panel, tile, ldc, add, rows, cols);
        }
      }
    }
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

PackedB::PackedB(MatrixView b, int k, int n) : kernel_(gemm_kernel_for(n)), k_(k), n_(n), panels_((n + kernel_.nr - 1) / kernel_.nr) {
  const int nr = kernel_.nr, kc_max = kernel_.kc;
  float* out = storage_.reserve(static_cast<std::size_t>(std::max(k, 1)) * panels_ * nr);
  // Depth blocks one after another; within one, each panel is kc rows of nr (zero-padded) columns.
  // Panels are independent: large B matrices are packed on the pool's threads.
  const std::size_t grain = std::max<std::size_t>(1, (std::size_t{1} << 16) / (static_cast<std::size_t>(std::max(k, 1)) * nr));
  parallel_ranges(static_cast<std::size_t>(panels_), grain, [&](std::size_t first, std::size_t last) {
    for (int depth = 0; depth < k; depth += kc_max) {
      const int kc = std::min(kc_max, k - depth);
      for (int panel = static_cast<int>(first); panel < static_cast<int>(last); ++panel) {
        float* to = out + static_cast<std::ptrdiff_t>(depth) * panels_ * nr + static_cast<std::ptrdiff_t>(panel) * kc * nr;
        const int col = panel * nr;
        const int width = std::min(nr, n - col);
        const float* src = b.data + depth * b.row_stride + col * b.col_stride;
        for (int p = 0; p < kc; ++p, to += nr) {
          const float* row = src + p * b.row_stride;
          if (width == nr && b.col_stride == 1) {
            std::memcpy(to, row, nr * sizeof(float));
          } else {
            for (int j = 0; j < nr; ++j) to[j] = j < width ? row[j * b.col_stride] : 0.0f;
          }
        }
      }
    }
  });
}

const float* PackedB::panel(int depth, int panel) const {
  const int kc = std::min(kernel_.kc, k_ - depth);
  return storage_.data() + static_cast<std::ptrdiff_t>(depth) * panels_ * kernel_.nr +
         static_cast<std::ptrdiff_t>(panel) * kc * kernel_.nr;
}

void gemm_packed(int m, MatrixView a, const PackedB& b, float* c, std::ptrdiff_t ldc, bool accumulate) {
  const int n = b.n();
  if (b.k() == 0) {
    if (!accumulate) {
      for (int i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
    }
    return;
  }
  const int row_block = kRowBlockTiles * b.kernel().mr;
  const int row_blocks = (m + row_block - 1) / row_block;
  // Tasks are blocks of rows and of panels: enough of them for every thread when the product is large.
  const bool small = static_cast<double>(m) * n * b.k() < kParallelMacs;
  const int panel_groups = small ? 1 : std::min(b.panels(), std::max(1, (2 * thread_count() + row_blocks - 1) / row_blocks));
  const auto block = [&](std::size_t task) {
    const int group = static_cast<int>(task) % panel_groups;
    const int row = static_cast<int>(task) / panel_groups * row_block;
    gemm_block(row, std::min(row_block, m - row), static_cast<int>(part_begin(b.panels(), panel_groups, group)),
               static_cast<int>(part_begin(b.panels(), panel_groups, group + 1)), a, b, c, ldc, accumulate);
  };
  const std::size_t tasks = static_cast<std::size_t>(row_blocks) * panel_groups;
  if (small) {
    for (std::size_t task = 0; task < tasks; ++task) block(task);
  } else {
    parallel_for(tasks, block);
  }
}

void gemm(int m, int n, int k, MatrixView a, MatrixView b, float* c, std::ptrdiff_t ldc, bool accumulate) {
  const PackedB packed(b, k, n);
  gemm_packed(m, a, packed, c, ldc, accumulate);
}

}  // namespace rekd
