// Elementwise activations and their gradients on the pool's threads (tfjs's are single-threaded
// wasm kernels, and its gradients several full-size passes). Boundaries as tfjs's gradients.
#pragma once

#include <cstddef>

namespace rekd {

// y = max(x, 0); NaN stays NaN and -0 becomes 0, as tfjs's relu.
void relu_forward(const float* x, std::size_t size, float* y);
// dx = dy where x > 0, else 0 (NaN in x passes nothing).
void relu_backprop(const float* dy, const float* x, std::size_t size, float* dx);

// y = min(max(x, 0), 6).
void relu6_forward(const float* x, std::size_t size, float* y);
// dx = dy where 0 < x <= 6, else 0.
void relu6_backprop(const float* dy, const float* x, std::size_t size, float* dx);

// y = x relu6(x + 3) / 6 (MobileNetV3).
void hardswish_forward(const float* x, std::size_t size, float* y);
// dx = dy (0 for x <= -3, (2x + 3) / 6 for -3 < x <= 3, 1 above).
void hardswish_backprop(const float* dy, const float* x, std::size_t size, float* dx);

}  // namespace rekd
