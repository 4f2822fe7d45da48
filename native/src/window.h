// The walk shared by the window kernels (depthwise convolutions, max-pool gradient): every output
// pixel of a ConvShape and the filter taps of its window that land inside the input (padding
// skipped). Offsets are in floats: into the NHWC input, the NHWC output and the [kh, kw, c] taps.
#pragma once

#include <cstddef>

#include "conv.h"

namespace rekd {

// For each output pixel: begin(out), then visit(in, out, tap) for each tap inside the input, then end(out).
template <typename Begin, typename Visit, typename End>
void for_each_window(const ConvShape& s, Begin begin, Visit visit, End end) {
  const std::ptrdiff_t c = s.in_channels;
  std::ptrdiff_t out = 0;
  for (int n = 0; n < s.batch; ++n) {
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

// visit(in, out, tap) for every (output pixel, tap inside the input) pair.
template <typename Visit>
void for_each_tap(const ConvShape& s, Visit visit) {
  for_each_window(s, [](std::ptrdiff_t) {}, visit, [](std::ptrdiff_t) {});
}

}  // namespace rekd
