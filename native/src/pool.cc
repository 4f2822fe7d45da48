#include "pool.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

namespace rekd {

void max_pool_backprop(const ConvShape& s, const float* x, const float* dy, float* dx) {
  const int c = s.in_channels;
  std::fill(dx, dx + s.input_size(), 0.0f);
  // Per channel, over one window: the largest value so far and where it is.
  thread_local std::vector<float> best;
  thread_local std::vector<std::ptrdiff_t> where;
  best.resize(c);
  where.resize(c);
  const float* grad = dy;
  for (int n = 0; n < s.batch; ++n) {
    for (int oy = 0; oy < s.out_height; ++oy) {
      for (int ox = 0; ox < s.out_width; ++ox, grad += c) {
        std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
        std::fill(where.begin(), where.end(), -1);
        for (int ky = 0; ky < s.filter_height; ++ky) {
          const int iy = oy * s.stride_height - s.pad_top + ky * s.dilation_height;
          if (iy < 0 || iy >= s.in_height) continue;
          for (int kx = 0; kx < s.filter_width; ++kx) {
            const int ix = ox * s.stride_width - s.pad_left + kx * s.dilation_width;
            if (ix < 0 || ix >= s.in_width) continue;
            const std::ptrdiff_t at = ((static_cast<std::ptrdiff_t>(n) * s.in_height + iy) * s.in_width + ix) * c;
            const float* px = x + at;
            for (int i = 0; i < c; ++i) {
              const bool larger = px[i] > best[i];
              best[i] = larger ? px[i] : best[i];
              where[i] = larger ? at + i : where[i];
            }
          }
        }
        for (int i = 0; i < c; ++i) {
          if (where[i] >= 0) dx[where[i]] += grad[i];
        }
      }
    }
  }
}

}  // namespace rekd
