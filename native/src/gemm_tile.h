// The micro-kernel's loop over one tile, written once for any vector width: each instruction set's
// file (gemm_kernel_*.cc, compiled with that set's flags) instantiates it with its Ops. Internal
// linkage (an unnamed namespace), so no instance compiled for AVX-512 can stand in for another.
#pragma once

#include <cstddef>

namespace rekd {
namespace {

// tile (MR x 2 vectors, row stride ldc) = or += a (MR x kc) * b_panel (kc x 2 vectors), as in
// gemm_kernel.h's TileFunction. Ops: Vector, width, zero, load (aligned), loadu, broadcast, fmadd, add, storeu.
template <typename Ops, int MR>
void tile_of(int kc, const float* a, std::ptrdiff_t a_row, std::ptrdiff_t a_col, const float* b, float* c, std::ptrdiff_t ldc,
             bool accumulate) {
  constexpr int W = Ops::width;
  typename Ops::Vector acc[MR][2];
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = Ops::zero();
  for (int p = 0; p < kc; ++p) {
    const auto b0 = Ops::load(b);
    const auto b1 = Ops::load(b + W);
#pragma GCC unroll 8
    for (int i = 0; i < MR; ++i) {
      const auto ai = Ops::broadcast(a + i * a_row);
      acc[i][0] = Ops::fmadd(ai, b0, acc[i][0]);
      acc[i][1] = Ops::fmadd(ai, b1, acc[i][1]);
    }
    a += a_col;
    b += 2 * W;
  }
#pragma GCC unroll 8
  for (int i = 0; i < MR; ++i) {
    float* row = c + i * ldc;
    if (accumulate) {
      acc[i][0] = Ops::add(acc[i][0], Ops::loadu(row));
      acc[i][1] = Ops::add(acc[i][1], Ops::loadu(row + W));
    }
    Ops::storeu(row, acc[i][0]);
    Ops::storeu(row + W, acc[i][1]);
  }
}

}  // namespace
}  // namespace rekd
