// Reductions over the middle axis of a [outer, reduced, inner] array (tfjs Sum and Mean over a
// contiguous block of axes, e.g. BatchNorm statistics over N, H, W of NHWC).
#pragma once

#include <cstddef>

namespace rekd {

// out[o, j] = sum over r of x[o, r, j] (divided by `reduced` when `mean`), accumulated in double
// in row order: deterministic, and exact enough that the order hardly matters.
void reduce_middle(const float* x, int outer, int reduced, int inner, bool mean, float* out);

// out[i] = (((out[i] + parts[0][i]) + parts[1][i]) + ...) over `count` arrays of `size` floats
// stored one after another: the parts of a split sum, added in a fixed order.
void add_parts(float* out, const float* parts, std::size_t count, std::size_t size);

}  // namespace rekd
