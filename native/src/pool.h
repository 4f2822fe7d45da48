// Max-pool gradient, NHWC (the pooling geometry is a ConvShape with out_channels = in_channels).
#pragma once

#include "conv.h"

namespace rekd {

// dx = each dy routed to the first maximum (in window scan order) of its window of x, as tfjs's
// cpu kernel does; a window of NaNs passes nothing.
void max_pool_backprop(const ConvShape& s, const float* x, const float* dy, float* dx);

}  // namespace rekd
