#include "elementwise.h"

namespace rekd {
namespace {

template <typename F>
void repeat(const float* __restrict full, const float* __restrict small, std::size_t size, std::size_t small_size,
            float* __restrict out, F f) {
  if (small_size == 1) {
    const float s = small[0];
    for (std::size_t i = 0; i < size; ++i) out[i] = f(full[i], s);
    return;
  }
  for (std::size_t start = 0; start < size; start += small_size) {
    for (std::size_t j = 0; j < small_size; ++j) out[start + j] = f(full[start + j], small[j]);
  }
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

}  // namespace rekd
