#include "depthwise.h"

#include "window.h"

#include <algorithm>
#include <cstddef>

namespace rekd {

namespace {

// acc[i] += a[i] * b[i] over the channels.
inline void multiply_add(float* __restrict acc, const float* __restrict a, const float* __restrict b, int channels) {
  for (int i = 0; i < channels; ++i) acc[i] += a[i] * b[i];
}

}  // namespace

void depthwise_forward(const ConvShape& s, const float* x, const float* filter, float* y) {
  const int c = s.in_channels;
  std::fill(y, y + s.output_size(), 0.0f);
  for_each_tap(s, [&](std::ptrdiff_t in, std::ptrdiff_t out, std::ptrdiff_t tap) { multiply_add(y + out, x + in, filter + tap, c); });
}

void depthwise_backprop_input(const ConvShape& s, const float* dy, const float* filter, float* dx) {
  const int c = s.in_channels;
  std::fill(dx, dx + s.input_size(), 0.0f);
  for_each_tap(s, [&](std::ptrdiff_t in, std::ptrdiff_t out, std::ptrdiff_t tap) { multiply_add(dx + in, dy + out, filter + tap, c); });
}

void depthwise_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dfilter) {
  const int c = s.in_channels;
  std::fill(dfilter, dfilter + s.depthwise_filter_size(), 0.0f);
  for_each_tap(s, [&](std::ptrdiff_t in, std::ptrdiff_t out, std::ptrdiff_t tap) { multiply_add(dfilter + tap, x + in, dy + out, c); });
}

}  // namespace rekd
