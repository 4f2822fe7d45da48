// Reductions over the middle axis of a [outer, reduced, inner] array (tfjs Sum and Mean over a
// contiguous block of axes, e.g. BatchNorm statistics over N, H, W of NHWC).
#pragma once

namespace rekd {

// out[o, j] = sum over r of x[o, r, j] (divided by `reduced` when `mean`), accumulated in double
// in row order: deterministic, and exact enough that the order hardly matters.
void reduce_middle(const float* x, int outer, int reduced, int inner, bool mean, float* out);

}  // namespace rekd
