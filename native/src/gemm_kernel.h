// The GEMM micro-kernels, one per instruction set, and the choice among them. Each is compiled in
// its own file with that set's flags (build.mjs); the rest of the addon needs AVX2/FMA only.
#pragma once

#include <cstddef>

namespace rekd {

// tile (mr x nr, row stride ldc) = or += a (mr x kc) * b_panel (kc x nr), b_panel 64-byte aligned.
// Element (i, p) of a is a[i * a_row + p * a_col]: a packed panel (1, mr) or rows read in place.
using TileFunction = void (*)(int kc, const float* a, std::ptrdiff_t a_row, std::ptrdiff_t a_col, const float* b, float* c,
                              std::ptrdiff_t ldc, bool accumulate);

struct GemmKernel {
  const char* name;  // the instruction set: "avx512" or "avx2"
  int mr;            // rows of a tile
  int nr;            // columns of a tile: the width of a packed B panel
  int kc;            // depth block: a B panel (kc x nr) and mr rows of A stay in L1
  TileFunction tile;
};

// The largest tile of any kernel, for edge tiles computed on the stack.
constexpr int kMaxTile = 8 * 32;  // >= every kernel's mr x nr (8 x 32, 14 x 16, 6 x 16)

extern const GemmKernel kGemmAvx2;
extern const GemmKernel kGemmAvx512;
extern const GemmKernel kGemmAvx512Narrow;

// The kernel in use: AVX-512 where the CPU (and OS) supports it, unless REKD_CPU=avx2.
const GemmKernel& gemm_kernel();
// The kernel for a product n columns wide: the path's own, or its narrow tile where n <= its width.
const GemmKernel& gemm_kernel_for(int n);
// Switches to the kernel named `name` ("avx2" or "avx512"); the reason it cannot, or nullptr.
const char* select_gemm_kernel(const char* name);

}  // namespace rekd
