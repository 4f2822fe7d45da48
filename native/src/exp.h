// Elementwise functions of exp, vectorised through libmvec: exp itself (the contrastive losses'
// softmax over the queue) and swish (EfficientNet's activation) with its gradient.
#pragma once

#include <cstddef>

namespace rekd {

// y[i] = exp(x[i]).
void exp_array(const float* x, std::size_t size, float* y);

// y[i] = x[i] sigmoid(x[i]).
void swish_forward(const float* x, std::size_t size, float* y);

// dx[i] = dy[i] (s + x s (1 - s)), s = sigmoid(x[i]): the gradient of swish in one pass.
void swish_backprop(const float* dy, const float* x, std::size_t size, float* dx);

}  // namespace rekd
