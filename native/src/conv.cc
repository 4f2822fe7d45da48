#include "conv.h"

#include <algorithm>

#include "gemm.h"
#include "parallel.h"
#include "reduce.h"

namespace rekd {
namespace {

// Patches of one chunk, reused across calls.
thread_local AlignedBuffer col_buffer;

// im2col rows per chunk: about 256 KB of patches, so a chunk is written and read back within the
// 512 KB L2 (measured 0-20% faster than 1 MB chunks), and at least 256 rows: the filter
// gradient's product runs over the rows, and each chunk re-reads its accumulator.
std::size_t chunk_rows(const ConvShape& s) {
  const std::size_t by_size = (std::size_t{1} << 16) / static_cast<std::size_t>(std::max(s.patch(), 1));
  return std::max<std::size_t>(256, by_size / 16 * 16);
}

// The filter gradient sums its rows in this many parts at most (one buffer each): enough for the
// threads of this project's machines, few enough that adding the parts stays cheap.
constexpr std::size_t kFilterGradientParts = 4;

std::size_t chunk_count(const ConvShape& s) { return (s.rows() + chunk_rows(s) - 1) / chunk_rows(s); }

// Calls step(col, first, count) for each chunk of output pixels in [begin, end), in order, `col`
// having room for the chunk's patches (a buffer of the calling thread).
template <typename Step>
void for_each_chunk(const ConvShape& s, std::size_t begin, std::size_t end, Step step) {
  const std::size_t chunk = chunk_rows(s);
  float* col = col_buffer.reserve(chunk * s.patch());
  for (std::size_t first = begin; first < end; first += chunk) step(col, first, std::min(chunk, end - first));
}

// Output pixels in order from `first`: one division at the start, none per pixel.
struct PixelCursor {
  int n, oy, ox;

  PixelCursor(const ConvShape& s, std::size_t first) {
    const std::size_t per_image = static_cast<std::size_t>(s.out_height) * s.out_width;
    n = static_cast<int>(first / per_image);
    const int within = static_cast<int>(first % per_image);
    oy = within / s.out_width;
    ox = within % s.out_width;
  }

  void next(const ConvShape& s) {
    if (++ox < s.out_width) return;
    ox = 0;
    if (++oy < s.out_height) return;
    oy = 0;
    ++n;
  }
};

// Calls visit(col_offset, input_offset, length) for the patches of output pixels [first, first +
// count), laid out one after another ([kh][kw][c] each), in runs: `length` consecutive patch
// values that are consecutive input values from input_offset, or padding (input_offset < 0).
// A filter row inside the image with dilation 1 is one run, else each tap is.
template <typename Visit>
void for_each_patch_run(const ConvShape& s, std::size_t first, std::size_t count, Visit visit) {
  const int c = s.in_channels;
  const int row_length = s.filter_width * c;
  PixelCursor at(s, first);
  std::size_t col = 0;
  for (std::size_t r = 0; r < count; ++r, at.next(s)) {
    const int ix0 = at.ox * s.stride_width - s.pad_left;
    const bool row_inside = s.dilation_width == 1 && ix0 >= 0 && ix0 + s.filter_width <= s.in_width;
    for (int ky = 0; ky < s.filter_height; ++ky, col += row_length) {
      const int iy = at.oy * s.stride_height - s.pad_top + ky * s.dilation_height;
      if (iy < 0 || iy >= s.in_height) {
        visit(col, -1, row_length);
        continue;
      }
      const std::ptrdiff_t line = (static_cast<std::ptrdiff_t>(at.n) * s.in_height + iy) * s.in_width * c;
      if (row_inside) {
        visit(col, line + static_cast<std::ptrdiff_t>(ix0) * c, row_length);
        continue;
      }
      for (int kx = 0; kx < s.filter_width; ++kx) {
        const int ix = ix0 + kx * s.dilation_width;
        visit(col + kx * c, ix < 0 || ix >= s.in_width ? -1 : line + static_cast<std::ptrdiff_t>(ix) * c, c);
      }
    }
  }
}

// col[r - first, :] = the patch of output pixel r, for r in [first, first + count).
void im2col(const ConvShape& s, const float* x, std::size_t first, std::size_t count, float* col) {
  for_each_patch_run(s, first, count, [&](std::size_t at, std::ptrdiff_t offset, int length) {
    float* __restrict dst = col + at;
    if (offset < 0) {
      for (int i = 0; i < length; ++i) dst[i] = 0.0f;
    } else {
      const float* __restrict src = x + offset;
      for (int i = 0; i < length; ++i) dst[i] = src[i];
    }
  });
}

// dx += the patches in col scattered back to their pixels (the adjoint of im2col).
void col2im_add(const ConvShape& s, const float* col, std::size_t first, std::size_t count, float* dx) {
  for_each_patch_run(s, first, count, [&](std::size_t at, std::ptrdiff_t offset, int length) {
    if (offset < 0) return;
    const float* __restrict src = col + at;
    float* __restrict dst = dx + offset;
    for (int i = 0; i < length; ++i) dst[i] += src[i];
  });
}

}  // namespace

bool ConvShape::pointwise() const {
  return filter_height == 1 && filter_width == 1 && stride_height == 1 && stride_width == 1 && pad_top == 0 &&
         pad_left == 0 && out_height == in_height && out_width == in_width;
}

const char* ConvShape::invalid() const {
  const int all[] = {batch, in_height, in_width, in_channels, out_height, out_width, out_channels, filter_height, filter_width};
  for (int v : all) {
    if (v < 0) return "negative dimension";
  }
  if (stride_height < 1 || stride_width < 1 || dilation_height < 1 || dilation_width < 1) return "strides and dilations must be >= 1";
  return nullptr;
}

void conv2d_forward(const ConvShape& s, const float* x, const float* filter, float* y) {
  const int k = s.patch();
  const PackedB w(MatrixView{filter, s.out_channels, 1}, k, s.out_channels);
  if (s.pointwise()) {
    gemm_packed(static_cast<int>(s.rows()), MatrixView{x, k, 1}, w, y, s.out_channels, false);
    return;
  }
  // Chunks write disjoint rows of y: one task each.
  const std::size_t chunk = chunk_rows(s);
  parallel_for(chunk_count(s), [&](std::size_t c) {
    for_each_chunk(s, c * chunk, std::min(s.rows(), (c + 1) * chunk), [&](float* col, std::size_t first, std::size_t count) {
      im2col(s, x, first, count, col);
      gemm_packed(static_cast<int>(count), MatrixView{col, k, 1}, w, y + first * s.out_channels, s.out_channels, false);
    });
  });
}

namespace {

// With stride and dilation 1, dx is a forward convolution of dy (padded by the filter extent minus
// the forward padding) with the filter rotated by 180 degrees, its channels swapped: no col2im
// scatter (measured up to 1.25x faster on 16-32 channels). Its product is in_channels wide, so
// narrower inputs (a first layer) keep the col2im path. Returns false when it does not apply.
bool input_gradient_as_forward(const ConvShape& s, const float* dy, const float* filter, float* dx) {
  const int kh = s.filter_height, kw = s.filter_width;
  const bool unit_steps = s.stride_height == 1 && s.stride_width == 1 && s.dilation_height == 1 && s.dilation_width == 1;
  if (s.in_channels < 16 || !unit_steps || s.pad_top > kh - 1 || s.pad_left > kw - 1) {
    return false;
  }
  thread_local AlignedBuffer rotated_buffer;
  float* rotated = rotated_buffer.reserve(s.filter_size());
  const int in = s.in_channels, out = s.out_channels;
  // One task per tap (each writes its own block): a 3x3 512x512 filter is 9 MB to transpose.
  const auto rotate_tap = [&](std::size_t t) {
    const int ky = static_cast<int>(t) / kw, kx = static_cast<int>(t) % kw;
    const float* tap = filter + ((static_cast<std::ptrdiff_t>(kh - 1 - ky) * kw + (kw - 1 - kx)) * in) * out;
    float* to = rotated + ((static_cast<std::ptrdiff_t>(ky) * kw + kx) * out) * in;
    for (int c = 0; c < in; ++c) {
      for (int o = 0; o < out; ++o) to[o * in + c] = tap[c * out + o];
    }
  };
  const std::size_t taps = static_cast<std::size_t>(kh) * kw;
  if (s.filter_size() < (std::size_t{1} << 16)) {
    for (std::size_t t = 0; t < taps; ++t) rotate_tap(t);
  } else {
    parallel_for(taps, rotate_tap);
  }
  const ConvShape transposed{s.batch, s.out_height, s.out_width, out, s.in_height, s.in_width, in, kh, kw, 1, 1, 1, 1,
                             kh - 1 - s.pad_top, kw - 1 - s.pad_left};
  conv2d_forward(transposed, dy, rotated, dx);
  return true;
}

}  // namespace

void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* filter, float* dx) {
  const int k = s.patch();
  // dcol = dy * filter^T: the filter read as [out, patch].
  const PackedB wt(MatrixView{filter, 1, s.out_channels}, s.out_channels, k);
  if (s.pointwise()) {
    gemm_packed(static_cast<int>(s.rows()), MatrixView{dy, s.out_channels, 1}, wt, dx, k, false);
    return;
  }
  if (input_gradient_as_forward(s, dy, filter, dx)) return;
  // The patches of one image scatter into that image only: tasks are groups of images, each
  // summing its pixels in the serial order, so the bits do not depend on the grouping.
  const std::size_t image_rows = static_cast<std::size_t>(s.out_height) * s.out_width;
  const std::size_t image_size = static_cast<std::size_t>(s.in_height) * s.in_width * s.in_channels;
  const std::size_t images_per_task = std::max<std::size_t>(1, chunk_rows(s) / std::max<std::size_t>(image_rows, 1));
  const std::size_t tasks = (static_cast<std::size_t>(s.batch) + images_per_task - 1) / images_per_task;
  parallel_for(tasks, [&](std::size_t t) {
    const std::size_t first_image = t * images_per_task, last_image = std::min<std::size_t>(s.batch, first_image + images_per_task);
    std::fill(dx + first_image * image_size, dx + last_image * image_size, 0.0f);
    for_each_chunk(s, first_image * image_rows, last_image * image_rows, [&](float* col, std::size_t first, std::size_t count) {
      gemm_packed(static_cast<int>(count), MatrixView{dy + first * s.out_channels, s.out_channels, 1}, wt, col, k, false);
      col2im_add(s, col, first, count, dx);
    });
  });
}

void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dfilter) {
  const int k = s.patch();
  if (s.rows() == 0) {
    std::fill(dfilter, dfilter + s.filter_size(), 0.0f);
    return;
  }
  // dfilter = col^T * dy, summed chunk by chunk over the rows (output pixels).
  if (s.pointwise()) {
    gemm(k, s.out_channels, static_cast<int>(s.rows()), MatrixView{x, 1, k}, MatrixView{dy, s.out_channels, 1}, dfilter,
         s.out_channels, false);
    return;
  }
  // A sum over the rows: they are split into a number of parts fixed by the shape (not by the
  // threads), each summed chunk by chunk into its own buffer, and the parts added in order.
  const std::size_t chunks = chunk_count(s), chunk = chunk_rows(s);
  const std::size_t parts = std::min<std::size_t>(chunks, kFilterGradientParts);
  const std::size_t size = s.filter_size();
  thread_local AlignedBuffer partial_buffer;
  float* partials = parts > 1 ? partial_buffer.reserve((parts - 1) * size) : nullptr;
  parallel_for(parts, [&](std::size_t part) {
    float* out = part == 0 ? dfilter : partials + (part - 1) * size;
    const std::size_t begin = part_begin(chunks, parts, part) * chunk;
    const std::size_t end = std::min(s.rows(), part_begin(chunks, parts, part + 1) * chunk);
    for_each_chunk(s, begin, end, [&](float* col, std::size_t first, std::size_t count) {
      im2col(s, x, first, count, col);
      gemm(k, s.out_channels, static_cast<int>(count), MatrixView{col, 1, k},
           MatrixView{dy + first * s.out_channels, s.out_channels, 1}, out, s.out_channels, first > begin);
    });
  });
  add_parts(dfilter, partials, parts - 1, size);
}

}  // namespace rekd
