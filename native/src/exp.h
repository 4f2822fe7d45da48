// Elementwise exp (tfjs Exp: softmax and logsumexp of the contrastive losses over the queue).
#pragma once

#include <cstddef>

namespace rekd {

// y[i] = exp(x[i]).
void exp_array(const float* x, std::size_t size, float* y);

}  // namespace rekd
