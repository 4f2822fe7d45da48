#include "reduce.h"

#include <algorithm>
#include <vector>

namespace rekd {

void reduce_middle(const float* x, int outer, int reduced, int inner, bool mean, float* out) {
  thread_local std::vector<double> sums;
  sums.resize(inner);
  for (int o = 0; o < outer; ++o) {
    std::fill(sums.begin(), sums.end(), 0.0);
    const float* block = x + static_cast<std::ptrdiff_t>(o) * reduced * inner;
    for (int r = 0; r < reduced; ++r) {
      const float* row = block + static_cast<std::ptrdiff_t>(r) * inner;
      for (int j = 0; j < inner; ++j) sums[j] += row[j];
    }
    const double scale = mean && reduced > 0 ? 1.0 / reduced : 1.0;
    for (int j = 0; j < inner; ++j) out[static_cast<std::ptrdiff_t>(o) * inner + j] = static_cast<float>(sums[j] * scale);
  }
}

}  // namespace rekd
