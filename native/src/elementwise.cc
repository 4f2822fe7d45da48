#include "elementwise.h"

#include <algorithm>

#include "parallel.h"

namespace rekd {
namespace {

// Over whole repeats of `small` (or ranges of elements for a scalar) on the pool's threads.
template <typename F>
void repeat(const float* __restrict full, const float* __restrict small, std::size_t size, std::size_t small_size,
            float* __restrict out, F f) {
  constexpr std::size_t grain = std::size_t{1} << 15;
  if (small_size == 1) {
    const float s = small[0];
    parallel_ranges(size, grain, [&](std::size_t first, std::size_t last) {
      for (std::size_t i = first; i < last; ++i) out[i] = f(full[i], s);
    });
    return;
  }
  parallel_ranges(size / small_size, std::max<std::size_t>(1, grain / small_size), [&](std::size_t first, std::size_t last) {
    for (std::size_t start = first * small_size; start < last * small_size; start += small_size) {
      for (std::size_t j = 0; j < small_size; ++j) out[start + j] = f(full[start + j], small[j]);
    }
  });
}

}  // namespace

void binary_repeat(BinaryOp op, const float* full, const float* small, std::size_t size, std::size_t small_size, bool small_first,
                   float* out) {
  switch (op) {
    case BinaryOp::Add:
      repeat(full, small, size, small_size, out, [](float f, float s) { return f + s; });
      break;
    case BinaryOp::Multiply:
      repeat(full, small, size, small_size, out, [](float f, float s) { return f * s; });
      break;
    case BinaryOp::Sub:
      if (small_first) {
        repeat(full, small, size, small_size, out, [](float f, float s) { return s - f; });
      } else {
        repeat(full, small, size, small_size, out, [](float f, float s) { return f - s; });
      }
      break;
  }
}

void linear_combination(std::size_t size, float a, const float* x, float b, const float* y, float c, const float* z, float* out) {
  parallel_ranges(size, std::size_t{1} << 15, [&](std::size_t first, std::size_t last) {
    const float* __restrict xs = x;
    const float* __restrict ys = y;
    float* __restrict to = out;
    if (z == nullptr) {
      for (std::size_t i = first; i < last; ++i) to[i] = a * xs[i] + b * ys[i];
    } else {
      const float* __restrict zs = z;
      for (std::size_t i = first; i < last; ++i) to[i] = a * xs[i] + b * ys[i] + c * zs[i];
    }
  });
}

void copy_2d(const float* src, std::size_t src_row, std::size_t src_col, float* dst, std::size_t dst_row, std::size_t dst_col,
             std::size_t rows, std::size_t width) {
  parallel_ranges(rows, std::max<std::size_t>(1, (std::size_t{1} << 14) / std::max<std::size_t>(width, 1)),
                  [&](std::size_t first, std::size_t last) {
                    for (std::size_t r = first; r < last; ++r) {
                      const float* __restrict from = src + r * src_row;
                      float* __restrict to = dst + r * dst_row;
                      if (src_col == 1 && dst_col == 1) {
                        std::copy(from, from + width, to);
                      } else {
                        for (std::size_t j = 0; j < width; ++j) to[j * dst_col] = from[j * src_col];
                      }
                    }
                  });
}

void transpose_last_two(const float* x, std::size_t rows, std::size_t a, std::size_t b, float* out) {
  const std::size_t block = a * b;
  parallel_ranges(rows, std::max<std::size_t>(1, (std::size_t{1} << 14) / std::max<std::size_t>(block, 1)),
                  [&](std::size_t first, std::size_t last) {
                    for (std::size_t r = first; r < last; ++r) {
                      const float* __restrict from = x + r * block;
                      float* __restrict to = out + r * block;
                      for (std::size_t j = 0; j < b; ++j) {
                        for (std::size_t i = 0; i < a; ++i) to[j * a + i] = from[i * b + j];
                      }
                    }
                  });
}

}  // namespace rekd
