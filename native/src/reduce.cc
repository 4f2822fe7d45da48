#include "reduce.h"

#include <algorithm>
#include <vector>

#include "parallel.h"

namespace rekd {
namespace {

// Rows of the reduced axis per part of a split sum: parts are fixed by the shape, so the bits do
// not depend on the threads; sums are in double, so the split hardly moves them.
constexpr std::size_t kRowsPerPart = 1024;
constexpr std::size_t kMaxParts = 8;

// sums[j] += x[r, j] over rows [first, last) of a [reduced, inner] block.
void add_rows(const float* block, int inner, std::size_t first, std::size_t last, double* sums) {
  if (inner == 1) {
    // A sum along the last axis (softmax, logsumexp): four accumulators, since one chain of
    // dependent additions is bound by their latency.
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    std::size_t r = first;
    for (; r + 4 <= last; r += 4) {
      s0 += block[r];
      s1 += block[r + 1];
      s2 += block[r + 2];
      s3 += block[r + 3];
    }
    for (; r < last; ++r) s0 += block[r];
    sums[0] += (s0 + s1) + (s2 + s3);
    return;
  }
  for (std::size_t r = first; r < last; ++r) {
    const float* row = block + r * inner;
    for (int j = 0; j < inner; ++j) sums[j] += row[j];
  }
}

}  // namespace

void reduce_middle(const float* x, int outer, int reduced, int inner, bool mean, float* out) {
  const double scale = mean && reduced > 0 ? 1.0 / reduced : 1.0;
  // Each outer index is independent; within one, the rows are summed in parts, added in order.
  const std::size_t parts = std::clamp<std::size_t>(static_cast<std::size_t>(reduced) / kRowsPerPart, 1, kMaxParts);
  std::vector<double> sums(static_cast<std::size_t>(outer) * parts * inner, 0.0);

  const auto task = [&](std::size_t t) {
    const std::size_t o = t / parts, part = t % parts;
    add_rows(x + o * static_cast<std::size_t>(reduced) * inner, inner, part_begin(reduced, parts, part), part_begin(reduced, parts, part + 1),
             sums.data() + t * inner);
  };
  const std::size_t tasks = static_cast<std::size_t>(outer) * parts;
  if (static_cast<std::size_t>(outer) * reduced * inner < (std::size_t{1} << 16)) {
    for (std::size_t t = 0; t < tasks; ++t) task(t);
  } else {
    parallel_for(tasks, task);
  }
  for (int o = 0; o < outer; ++o) {
    for (int j = 0; j < inner; ++j) {
      double total = 0.0;
      for (std::size_t part = 0; part < parts; ++part) total += sums[(o * parts + part) * inner + j];
      out[static_cast<std::ptrdiff_t>(o) * inner + j] = static_cast<float>(total * scale);
    }
  }
}

void add_parts(float* out, const float* parts, std::size_t count, std::size_t size) {
  if (count == 0) return;
  parallel_ranges(size, std::size_t{1} << 15, [&](std::size_t first, std::size_t last) {
    for (std::size_t p = 0; p < count; ++p) {
      const float* __restrict part = parts + p * size;
      float* __restrict to = out;
      for (std::size_t i = first; i < last; ++i) to[i] += part[i];
    }
  });
}

}  // namespace rekd
