// Float32 Add, Sub and Multiply where one operand is full size and the other repeats along the
// leading axes (same shape, per channel [C] of NHWC, or a scalar): BatchNorm's and the residual
// connections' full-size passes.
#pragma once

#include <cstddef>

namespace rekd {

enum class BinaryOp { Add = 0, Sub = 1, Multiply = 2 };

// out[i] = full[i] op small[i % small_size], or small[i % small_size] op full[i] when
// `small_first`; small_size divides size.
// out[i] = a x[i] + b y[i] (+ c z[i] when z is not null).
void linear_combination(std::size_t size, float a, const float* x, float b, const float* y, float c, const float* z, float* out);

// dst[dst_offset + r * dst_row + j * dst_col] = src[src_offset + r * src_row + j * src_col] for r
// < rows, j < width: the copies of channel splits, concatenations and shuffles.
void copy_2d(const float* src, std::size_t src_row, std::size_t src_col, float* dst, std::size_t dst_row, std::size_t dst_col,
             std::size_t rows, std::size_t width);

// out[r, j, i] = x[r, i, j] for x [rows, a, b]: ShuffleNet's channel shuffle, written in order.
void transpose_last_two(const float* x, std::size_t rows, std::size_t a, std::size_t b, float* out);

void binary_repeat(BinaryOp op, const float* full, const float* small, std::size_t size, std::size_t small_size, bool small_first,
                   float* out);

}  // namespace rekd
