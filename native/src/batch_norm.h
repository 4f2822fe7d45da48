// Training-mode BatchNorm over the last axis of x, viewed as [rows, channels]: the forward with
// the batch statistics and the closed-form backward (src/runtime/kernels/batch_norm_training.ts).
#pragma once

#include <cstddef>

namespace rekd {

// y = (x - mean) gamma / sqrt(variance + epsilon) + beta, then max(y, 0) when `relu` (fused: one
// pass less forward, and no separate ReLU gradient); mean and biased variance per channel.
void batch_norm_forward(const float* x, int rows, int channels, const float* gamma, const float* beta, float epsilon, bool relu,
                        float* y, float* mean, float* variance);

// dx, dgamma and dbeta of the forward above, given dy and its saved mean and variance; with a
// fused ReLU, `relu_output` is the forward's y (dy passes where it is positive), else nullptr.
void batch_norm_backward(const float* dy, const float* x, const float* relu_output, int rows, int channels, const float* mean,
                         const float* variance, const float* gamma, float epsilon, float* dx, float* dgamma, float* dbeta);


}  // namespace rekd
