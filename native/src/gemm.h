// Single-precision matrix product on the pool's threads with the micro-kernel of the CPU
// (gemm_kernel.h): B is packed once into panels the micro-kernel streams, A is read in place a
// tile's rows at a time. Each element of C is summed in an order fixed by the kernel's depth
// block alone, whichever thread computes it, so results do not depend on the thread count.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>

#include "gemm_kernel.h"

namespace rekd {

// Element (i, j) is data[i * row_stride + j * col_stride]: one type for plain, transposed and
// im2col-chunk operands.
struct MatrixView {
  const float* data;
  std::ptrdiff_t row_stride;
  std::ptrdiff_t col_stride;
};

// 64-byte aligned float storage that only grows (packing buffers are reused across calls).
class AlignedBuffer {
 public:
  float* reserve(std::size_t count);
  const float* data() const { return data_.get(); }

 private:
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  std::unique_ptr<float, Free> data_;
  std::size_t capacity_ = 0;
};

// B (k x n) packed into the panel layout of the kernel in use, for reuse across many A blocks.
class PackedB {
 public:
  PackedB(MatrixView b, int k, int n);
  const GemmKernel& kernel() const { return kernel_; }
  int k() const { return k_; }
  int n() const { return n_; }
  int panels() const { return panels_; }
  // The panel of columns [panel * nr, +nr) for the depth block starting at row `depth`.
  const float* panel(int depth, int panel) const;

 private:
  const GemmKernel& kernel_;
  int k_;
  int n_;
  int panels_;
  AlignedBuffer storage_;
};

// C (m x n, row stride ldc) = A (m x k) * B, or C += A * B when `accumulate`; on the pool's
// threads when the product is large enough (serially when called from a pool task).
void gemm_packed(int m, MatrixView a, const PackedB& b, float* c, std::ptrdiff_t ldc, bool accumulate);

void gemm(int m, int n, int k, MatrixView a, MatrixView b, float* c, std::ptrdiff_t ldc, bool accumulate);

}  // namespace rekd
