// NHWC Conv2D forward, input gradient and filter gradient as matrix products over im2col
// chunks (filter layout [kh, kw, in, out], as tfjs).
#pragma once

#include <cstddef>

namespace rekd {

struct ConvShape {
  int batch, in_height, in_width, in_channels;
  int out_height, out_width, out_channels;
  int filter_height, filter_width;
  int stride_height, stride_width;
  int dilation_height, dilation_width;
  int pad_top, pad_left;

  // One im2col row per output pixel, one column per filter tap and input channel.
  std::size_t rows() const { return static_cast<std::size_t>(batch) * out_height * out_width; }
  int patch() const { return filter_height * filter_width * in_channels; }
  std::size_t input_size() const { return static_cast<std::size_t>(batch) * in_height * in_width * in_channels; }
  std::size_t output_size() const { return rows() * out_channels; }
  std::size_t filter_size() const { return static_cast<std::size_t>(patch()) * out_channels; }
  // A depthwise filter [kh, kw, channels, 1] (multiplier 1: out_channels = in_channels).
  std::size_t depthwise_filter_size() const { return static_cast<std::size_t>(patch()); }
  // A 1x1, stride-1, unpadded convolution: the input already is its own im2col matrix.
  bool pointwise() const;
  // The reason the shape is unusable, or nullptr.
  const char* invalid() const;
};

void conv2d_forward(const ConvShape& s, const float* x, const float* filter, float* y);
void conv2d_backprop_input(const ConvShape& s, const float* dy, const float* filter, float* dx);
void conv2d_backprop_filter(const ConvShape& s, const float* x, const float* dy, float* dfilter);

}  // namespace rekd
