#include "pool.h"

#include "window.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

namespace rekd {

void max_pool_backprop(const ConvShape& s, const float* x, const float* dy, float* dx) {
  const int c = s.in_channels;
  const std::size_t image = static_cast<std::size_t>(s.in_height) * s.in_width * c;
  // A window routes its gradient into its own image: groups of images are independent.
  for_image_groups(s, [&](int first, int last) {
    std::fill(dx + first * image, dx + last * image, 0.0f);
    // Per channel, over one window: the largest value so far and where it is (this thread's).
    thread_local std::vector<float> best;
    thread_local std::vector<std::ptrdiff_t> where;
    best.resize(c);
    where.resize(c);
    for_each_window(
        s, first, last,
        [&](std::ptrdiff_t) {
          std::fill(best.begin(), best.end(), -std::numeric_limits<float>::infinity());
          std::fill(where.begin(), where.end(), -1);
        },
        [&](std::ptrdiff_t in, std::ptrdiff_t, std::ptrdiff_t) {
          const float* px = x + in;
          for (int i = 0; i < c; ++i) {
            const bool larger = px[i] > best[i];
            best[i] = larger ? px[i] : best[i];
            where[i] = larger ? in + i : where[i];
          }
        },
        [&](std::ptrdiff_t out) {
          for (int i = 0; i < c; ++i) {
            if (where[i] >= 0) dx[where[i]] += dy[out + i];
          }
        });
  });
}

}  // namespace rekd
