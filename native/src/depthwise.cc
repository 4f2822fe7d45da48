#include "depthwise.h"

#include "reduce.h"
#include "window.h"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace rekd {

namespace {

// acc[i] += a[i] * b[i] over the channels.
inline void multiply_add(float* __restrict acc, const float* __restrict a, const float* __restrict b, int channels) {
  for (int i = 0; i < channels; ++i) acc[i] += a[i] * b[i];
}

// Parts of the filter gradient's sum over images: fixed, so that the bits do not depend on the threads.
constexpr int kFilterGradientParts = 4;

}  // namespace

void depthwise_forward(const ConvShape& s, const float* x, const float* filter, float* y) {
  const int c = s.in_channels;
  const std::size_t image = static_cast<std::size_t>(s.out_height) * s.out_width * c;
  for_image_groups(s, [&](int first, int last) {
    std::fill(y + first * image, y + last * image, 0.0f);
    for_each_tap(s, first, last, [&](std::ptrdiff_t in, std::ptrdiff_t out, std::ptrdiff_t tap) { multiply_add(y + out, x + in, filter + tap, c); });
  });
}

void depthwise_backprop_input(const ConvShape& s, const float* dy, const float* filter, float* dx) {
  const int c = s.in_channels;
  const std::size_t image = static_cast<std::size_t>(s.in_height) * s.in_width * c;
  for_image_groups(s, [&](int first, int last) {
    std::fill(dx + first * image, dx + last * image, 0.0f);
    for_each_tap(s, first, last, [&](std::ptrdiff_t in, std::ptrdiff_t out, std::ptrdiff_t tap) { multiply_add(dx + in, dy + out, filter + tap, c); });
  });
}

void depthwise_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dfilter) {
  const int c = s.in_channels;
  const std::size_t size = s.depthwise_filter_size();
  const int parts = std::max(1, std::min(s.batch, kFilterGradientParts));
  thread_local std::vector<float> partial_buffer;
  partial_buffer.resize((parts - 1) * size);
  float* partials = partial_buffer.data();
  parallel_for(parts, [&](std::size_t part) {
    float* out = part == 0 ? dfilter : partials + (part - 1) * size;
    std::fill(out, out + size, 0.0f);
    for_each_tap(s, static_cast<int>(part_begin(s.batch, parts, part)), static_cast<int>(part_begin(s.batch, parts, part + 1)),
                 [&](std::ptrdiff_t in, std::ptrdiff_t o, std::ptrdiff_t tap) { multiply_add(out + tap, x + in, dy + o, c); });
  });
  add_parts(dfilter, partials, parts - 1, size);
}

}  // namespace rekd
