// NHWC depthwise convolution with channel multiplier 1 (filter [kh, kw, channels, 1]), forward and
// both gradients: the geometry is a ConvShape with out_channels = in_channels. Each loop's
// innermost axis is the channel, contiguous in every operand, so it vectorises (AVX2 FMA).
#pragma once

#include "conv.h"

namespace rekd {

void depthwise_forward(const ConvShape& s, const float* x, const float* filter, float* y);
void depthwise_backprop_input(const ConvShape& s, const float* dy, const float* filter, float* dx);
void depthwise_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dfilter);

}  // namespace rekd
