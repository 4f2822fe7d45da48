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

void binary_repeat(BinaryOp op, const float* full, const float* small, std::size_t size, std::size_t small_size, bool small_first,
                   float* out);

}  // namespace rekd
