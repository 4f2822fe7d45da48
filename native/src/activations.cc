#include "activations.h"

#include <algorithm>

#include "parallel.h"

namespace rekd {
namespace {

constexpr std::size_t kGrain = std::size_t{1} << 15;

// y[i] = f(x[i]) over ranges of the array on the pool's threads.
template <typename F>
void map(const float* x, std::size_t size, float* y, F f) {
  parallel_ranges(size, kGrain, [&](std::size_t first, std::size_t last) {
    const float* __restrict in = x;
    float* __restrict out = y;
    for (std::size_t i = first; i < last; ++i) out[i] = f(in[i]);
  });
}

// dx[i] = dy[i] * f'(x[i]), f' given as a function of x.
template <typename F>
void map_gradient(const float* dy, const float* x, std::size_t size, float* dx, F derivative) {
  parallel_ranges(size, kGrain, [&](std::size_t first, std::size_t last) {
    const float* __restrict grad = dy;
    const float* __restrict in = x;
    float* __restrict out = dx;
    for (std::size_t i = first; i < last; ++i) out[i] = grad[i] * derivative(in[i]);
  });
}

float relu6(float v) { return std::min(std::max(v, 0.0f), 6.0f); }

}  // namespace

void relu_forward(const float* x, std::size_t size, float* y) {
  map(x, size, y, [](float v) { return v > 0.0f || v != v ? v : 0.0f; });
}

void relu_backprop(const float* dy, const float* x, std::size_t size, float* dx) {
  // A select, not a product with the mask: dy may be infinite where x <= 0.
  parallel_ranges(size, kGrain, [&](std::size_t first, std::size_t last) {
    const float* __restrict grad = dy;
    const float* __restrict in = x;
    float* __restrict out = dx;
    for (std::size_t i = first; i < last; ++i) out[i] = in[i] > 0.0f ? grad[i] : 0.0f;
  });
}

void relu6_forward(const float* x, std::size_t size, float* y) { map(x, size, y, relu6); }

void relu6_backprop(const float* dy, const float* x, std::size_t size, float* dx) {
  map_gradient(dy, x, size, dx, [](float v) { return v > 0.0f && v <= 6.0f ? 1.0f : 0.0f; });
}

void hardswish_forward(const float* x, std::size_t size, float* y) {
  map(x, size, y, [](float v) { return v * relu6(v + 3.0f) / 6.0f; });
}

void hardswish_backprop(const float* dy, const float* x, std::size_t size, float* dx) {
  map_gradient(dy, x, size, dx, [](float v) { return v <= -3.0f ? 0.0f : v <= 3.0f ? (2.0f * v + 3.0f) / 6.0f : 1.0f; });
}

}  // namespace rekd
