#include "depthwise.h"

#include <algorithm>
#include <cstddef>

namespace rekd {

namespace {

// acc[i] += a[i] * b[i] over the channels.
inline void multiply_add(float* __restrict acc, const float* __restrict a, const float* __restrict b, int channels) {
  for (int i = 0; i < channels; ++i) acc[i] += a[i] * b[i];
}

// Calls visit(input_offset, output_offset, tap_offset) for every (output pixel, filter tap) pair
// whose tap lands inside the input; offsets are in floats, into NHWC x / y and [kh, kw, c].
template <typename Visit>
void for_each_tap(const ConvShape& s, Visit visit) {
  const std::ptrdiff_t c = s.in_channels;
  std::ptrdiff_t out = 0;
  for (int n = 0; n < s.batch; ++n) {
    for (int oy = 0; oy < s.out_height; ++oy) {
      for (int ox = 0; ox < s.out_width; ++ox, out += c) {
        for (int ky = 0; ky < s.filter_height; ++ky) {
          const int iy = oy * s.stride_height - s.pad_top + ky * s.dilation_height;
          if (iy < 0 || iy >= s.in_height) continue;
          for (int kx = 0; kx < s.filter_width; ++kx) {
            const int ix = ox * s.stride_width - s.pad_left + kx * s.dilation_width;
            if (ix < 0 || ix >= s.in_width) continue;
            const std::ptrdiff_t in = ((static_cast<std::ptrdiff_t>(n) * s.in_height + iy) * s.in_width + ix) * c;
            visit(in, out, (ky * s.filter_width + kx) * c);
          }
        }
      }
    }
  }
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
