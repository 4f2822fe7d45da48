// Training-mode BatchNorm over the last axis of x, viewed as [rows, channels]: the forward with
// the batch statistics and the closed-form backward (src/runtime/kernels/batch_norm_training.ts).
#pragma once

namespace rekd {

// y = (x - mean) gamma / sqrt(variance + epsilon) + beta; mean and biased variance per channel.
void batch_norm_forward(const float* x, int rows, int channels, const float* gamma, const float* beta, float epsilon,
                        float* y, float* mean, float* variance);

// dx, dgamma and dbeta of the forward above, given dy and its saved mean and variance.
void batch_norm_backward(const float* dy, const float* x, int rows, int channels, const float* mean, const float* variance,
                         const float* gamma, float epsilon, float* dx, float* dgamma, float* dbeta);

}  // namespace rekd
