// The micro-kernel's loop over one tile, written once for any vector width: each instruction set's
// file (gemm_kernel_*.cc, compiled with that set's flags) instantiates it with its Ops. Internal
// linkage (an unnamed namespace), so no instance compiled for AVX-512 can stand in for another.
#pragma once

#include <cstddef>

namespace rekd {
namespace {

// tile (MR x NV vectors, row stride ldc) = or += a (MR x kc) * b_panel (kc x NV vectors), as in
// gemm_kernel.h's TileFunction. Ops: Vector, width, zero, load (aligned), loadu, broadcast, fmadd, add, storeu.
template <typename Ops, int MR, int NV>
void tile_of(int kc, const float* a, std::ptrdiff_t a_row, std::ptrdiff_t a_col, const float* b, float* c, std::ptrdiff_t ldc,
             bool accumulate) {
  constexpr int W = Ops::width;
  typename Ops::Vector acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) acc[i][v] = Ops::zero();
  }
  for (int p = 0; p < kc; ++p) {
    typename Ops::Vector bv[NV];
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) bv[v] = Ops::load(b + v * W);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const auto ai = Ops::broadcast(a + i * a_row);
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) acc[i][v] = Ops::fmadd(ai, bv[v], acc[i][v]);
    }
    a += a_col;
    b += NV * W;
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    float* row = c + i * ldc;
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) {
      if (accumulate) acc[i][v] = Ops::add(acc[i][v], Ops::loadu(row + v * W));
      Ops::storeu(row + v * W, acc[i][v]);
    }
  }
}

}  // namespace
}  // namespace rekd
