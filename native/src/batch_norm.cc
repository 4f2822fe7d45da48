#include "batch_norm.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

#include "activations.h"
#include "parallel.h"

namespace rekd {

namespace {

// Per-channel sums in double (a batch of 128 x 28 x 28 is 100k rows, too many for float sums),
// over the rows in parts fixed by the shape, added in order: the bits do not depend on the threads.
struct ChannelSums {
  std::vector<double> first, second;
  explicit ChannelSums(int channels) : first(channels, 0.0), second(channels, 0.0) {}
};

constexpr int kRowsPerPart = 2048;
constexpr int kMaxParts = 8;

// The sums of add(row, sums) over all rows, computed in parts on the pool's threads.
template <typename AddRow>
ChannelSums sum_rows(int rows, int channels, AddRow add) {
  const int parts = std::clamp(rows / kRowsPerPart, 1, kMaxParts);
  std::vector<ChannelSums> partial(parts, ChannelSums(channels));
  parallel_for(parts, [&](std::size_t part) {
    for (int r = static_cast<int>(part_begin(rows, parts, part)); r < static_cast<int>(part_begin(rows, parts, part + 1)); ++r) {
      add(r, partial[part]);
    }
  });
  for (int part = 1; part < parts; ++part) {
    for (int c = 0; c < channels; ++c) {
      partial[0].first[c] += partial[part].first[c];
      partial[0].second[c] += partial[part].second[c];
    }
  }
  return std::move(partial[0]);
}

// Calls write(first, last) over ranges of rows on the pool's threads (rows are independent).
template <typename Write>
void for_row_ranges(int rows, int channels, Write write) {
  const std::size_t grain = std::max<std::size_t>(1, (std::size_t{1} << 15) / std::max(channels, 1));
  parallel_ranges(static_cast<std::size_t>(rows), grain, [&](std::size_t first, std::size_t last) { write(static_cast<int>(first), static_cast<int>(last)); });
}

}  // namespace

void batch_norm_forward(const float* x, int rows, int channels, const float* gamma, const float* beta, float epsilon, bool relu,
                        float* y, float* mean, float* variance) {
  // One pass for both moments, shifted by the first row so that the sum of squares does not
  // cancel when the mean is large against the spread.
  const float* shift = x;
  const ChannelSums sums = sum_rows(rows, channels, [&](int r, ChannelSums& into) {
    const float* row = x + static_cast<std::ptrdiff_t>(r) * channels;
    for (int c = 0; c < channels; ++c) {
      const double d = static_cast<double>(row[c]) - shift[c];
      into.first[c] += d;
      into.second[c] += d * d;
    }
  });
  std::vector<float> gain(channels), offset(channels);
  for (int c = 0; c < channels; ++c) {
    const double shifted_mean = rows > 0 ? sums.first[c] / rows : 0.0;
    const double var = rows > 0 ? std::fmax(sums.second[c] / rows - shifted_mean * shifted_mean, 0.0) : 0.0;
    const double mu = (rows > 0 ? shift[c] : 0.0) + shifted_mean;
    mean[c] = static_cast<float>(mu);
    variance[c] = static_cast<float>(var);
    const double k = gamma[c] / std::sqrt(var + epsilon);
    gain[c] = static_cast<float>(k);
    offset[c] = static_cast<float>(beta[c] - mu * k);
  }
  const float* __restrict g = gain.data();
  const float* __restrict o = offset.data();
  for_row_ranges(rows, channels, [&](int first, int last) {
    for (int r = first; r < last; ++r) {
      const float* __restrict in = x + static_cast<std::ptrdiff_t>(r) * channels;
      float* __restrict out = y + static_cast<std::ptrdiff_t>(r) * channels;
      if (relu) {
        for (int c = 0; c < channels; ++c) out[c] = std::max(in[c] * g[c] + o[c], 0.0f);
      } else {
        for (int c = 0; c < channels; ++c) out[c] = in[c] * g[c] + o[c];
      }
    }
  });
}

void batch_norm_backward(const float* dy, const float* x, const float* relu_output, int rows, int channels, const float* mean,
                         const float* variance, const float* gamma, float epsilon, float* dx, float* dgamma, float* dbeta) {
  // After a fused ReLU, the gradient reaching the BatchNorm is dy where y > 0: written into dx
  // first (one fast pass; the mask inside the loops below made them 10x slower), then read from there.
  const float* grad_in = dy;
  if (relu_output != nullptr) {
    relu_backprop(dy, relu_output, static_cast<std::size_t>(rows) * channels, dx);
    grad_in = dx;
  }
  // sum(dy), sum(dy (x - mean))
  const ChannelSums sums = sum_rows(rows, channels, [&](int r, ChannelSums& into) {
    const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(r) * channels;
    const float* __restrict grad = grad_in + row;
    const float* __restrict in = x + row;
    const float* __restrict mu = mean;
    double* __restrict sum = into.first.data();
    double* __restrict centred_sum = into.second.data();
    for (int c = 0; c < channels; ++c) {
      sum[c] += grad[c];
      centred_sum[c] += static_cast<double>(grad[c]) * (in[c] - mu[c]);
    }
  });
  // dx = k dy + (x - mean) a + b, a = -k inv^2 sum(dy (x - mean)) / n, b = -k sum(dy) / n.
  std::vector<float> k(channels), a(channels), b(channels);
  for (int c = 0; c < channels; ++c) {
    const double inv = 1.0 / std::sqrt(static_cast<double>(variance[c]) + epsilon);
    const double gain = gamma[c] * inv;
    k[c] = static_cast<float>(gain);
    a[c] = rows > 0 ? static_cast<float>(-gain * inv * inv * sums.second[c] / rows) : 0.0f;
    b[c] = rows > 0 ? static_cast<float>(-gain * sums.first[c] / rows) : 0.0f;
    dgamma[c] = static_cast<float>(sums.second[c] * inv);
    dbeta[c] = static_cast<float>(sums.first[c]);
  }
  const float* __restrict kk = k.data();
  const float* __restrict aa = a.data();
  const float* __restrict bb = b.data();
  const float* __restrict mu = mean;
  for_row_ranges(rows, channels, [&](int first, int last) {
    for (int r = first; r < last; ++r) {
      const std::ptrdiff_t row = static_cast<std::ptrdiff_t>(r) * channels;
      const float* __restrict in = x + row;
      // grad may be out itself (after a ReLU): each element is read before it is written.
      const float* grad = grad_in + row;
      float* out = dx + row;
      for (int c = 0; c < channels; ++c) out[c] = grad[c] * kk[c] + (in[c] - mu[c]) * aa[c] + bb[c];
    }
  });
}

}  // namespace rekd
