// The walk shared by the window kernels (depthwise convolutions, max-pool gradient): every output
// pixel of a ConvShape and the filter taps of its window that land inside the input (padding
// skipped). Offsets are in floats: into the NHWC input, the NHWC output and the [kh, kw, c] taps.
#pragma once

#include <cstddef>

#include <algorithm>

#include "conv.h"
#include "parallel.h"

namespace rekd {

// For each output pixel of images [first_image, last_image): begin(out), then visit(in, out, tap)
// for each tap inside the input, then end(out).
template <typename Begin, typename Visit, typename End>
void for_each_window(const ConvShape& s, int first_image, int last_image, Begin begin, Visit visit, End end) {
  const std::ptrdiff_t c = s.in_channels;
  std::ptrdiff_t out = static_cast<std::ptrdiff_t>(first_image) * s.out_height * s.out_width * c;
  for (int n = first_image; n < last_image; ++n) {
    for (int oy = 0; oy < s.out_height; ++oy) {
      for (int ox = 0; ox < s.out_width; ++ox, out += c) {
        begin(out);
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
        end(out);
      }
    }
  }
}

// visit(in, out, tap) for every (output pixel, tap inside the input) pair of images [first_image, last_image).
template <typename Visit>
void for_each_tap(const ConvShape& s, int first_image, int last_image, Visit visit) {
  for_each_window(s, first_image, last_image, [](std::ptrdiff_t) {}, visit, [](std::ptrdiff_t) {});
}

// Calls body(first_image, last_image) on the pool's threads over groups of whole images, for
// kernels whose images write disjoint outputs (each image is computed as in a serial loop).
template <typename Body>
void for_image_groups(const ConvShape& s, Body body) {
  const std::size_t per_image = static_cast<std::size_t>(s.out_height) * s.out_width * s.filter_height * s.filter_width * s.in_channels;
  // At least about 64K multiply-adds a group: smaller ones cost more to hand out than to compute.
  const std::size_t grain = std::max<std::size_t>(1, (std::size_t{1} << 16) / std::max<std::size_t>(per_image, 1));
  parallel_ranges(static_cast<std::size_t>(s.batch), grain,
                  [&](std::size_t first, std::size_t last) { body(static_cast<int>(first), static_cast<int>(last)); });
}

}  // namespace rekd
