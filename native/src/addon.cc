// Node-API bindings. Every operand is a Float32Array, usually a view of the wasm backend's heap,
// so the kernels work in place on the tensors' memory; sizes are checked against the arrays.
#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <utility>

#include "activations.h"
#include "batch_norm.h"
#include "conv.h"
#include "depthwise.h"
#include "elementwise.h"
#include "exp.h"
#include "gemm.h"
#include "gemm_kernel.h"
#include "parallel.h"
#include "pool.h"
#include "reduce.h"

namespace {

using rekd::ConvShape;
using rekd::MatrixView;

// Thrown inside a binding, turned into a JS exception at its boundary.
struct ArgumentError {
  std::string message;
};

void check(napi_status status, const char* what) {
  if (status != napi_ok) throw ArgumentError{std::string("native kernels: cannot read ") + what};
}

struct Floats {
  float* data;
  std::size_t length;
};

Floats float_array(napi_env env, napi_value value, const char* name) {
  bool is_typed = false;
  check(napi_is_typedarray(env, value, &is_typed), name);
  napi_typedarray_type type;
  std::size_t length = 0;
  void* data = nullptr;
  if (is_typed) check(napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr), name);
  if (!is_typed || type != napi_float32_array) throw ArgumentError{std::string(name) + " must be a Float32Array"};
  return {static_cast<float*>(data), length};
}

std::int64_t integer(napi_env env, napi_value value, const char* name) {
  std::int64_t out = 0;
  check(napi_get_value_int64(env, value, &out), name);
  return out;
}

int dimension(napi_env env, napi_value value, const char* name) {
  const std::int64_t v = integer(env, value, name);
  if (v < 0 || v > 0x7fffffff) throw ArgumentError{std::string(name) + " must be in [0, 2^31)"};
  return static_cast<int>(v);
}

void require_size(const Floats& array, std::size_t needed, const char* name) {
  if (array.length < needed) {
    throw ArgumentError{std::string(name) + " holds " + std::to_string(array.length) + " floats, needs " + std::to_string(needed)};
  }
}

// Elements a strided (rows x cols) view spans, 0 when empty.
std::size_t span(int rows, int cols, std::ptrdiff_t row_stride, std::ptrdiff_t col_stride) {
  if (rows == 0 || cols == 0) return 0;
  return static_cast<std::size_t>((rows - 1) * row_stride + (cols - 1) * col_stride + 1);
}

std::ptrdiff_t stride(napi_env env, napi_value value, const char* name) {
  const std::int64_t v = integer(env, value, name);
  if (v < 0) throw ArgumentError{std::string(name) + " must be >= 0"};
  return static_cast<std::ptrdiff_t>(v);
}

template <std::size_t N>
void arguments(napi_env env, napi_callback_info info, napi_value (&argv)[N]) {
  std::size_t argc = N;
  check(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr), "arguments");
  if (argc != N) throw ArgumentError{"native kernels: expected " + std::to_string(N) + " arguments, got " + std::to_string(argc)};
}

// Runs a binding body, converting its failures to JS exceptions.
template <typename Body>
napi_value guarded(napi_env env, Body body) {
  try {
    body();
  } catch (const ArgumentError& e) {
    napi_throw_range_error(env, nullptr, e.message.c_str());
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, (std::string("native kernels: ") + e.what()).c_str());
  }
  return nullptr;
}

// gemm(m, n, k, a, aRowStride, aColStride, b, bRowStride, bColStride, c, ldc, accumulate)
napi_value Gemm(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[12];
    arguments(env, info, argv);
    const int m = dimension(env, argv[0], "m"), n = dimension(env, argv[1], "n"), k = dimension(env, argv[2], "k");
    const Floats a = float_array(env, argv[3], "a"), b = float_array(env, argv[6], "b"), c = float_array(env, argv[9], "c");
    const MatrixView av{a.data, stride(env, argv[4], "aRowStride"), stride(env, argv[5], "aColStride")};
    const MatrixView bv{b.data, stride(env, argv[7], "bRowStride"), stride(env, argv[8], "bColStride")};
    const std::ptrdiff_t ldc = stride(env, argv[10], "ldc");
    bool accumulate = false;
    check(napi_get_value_bool(env, argv[11], &accumulate), "accumulate");
    require_size(a, span(m, k, av.row_stride, av.col_stride), "a");
    require_size(b, span(k, n, bv.row_stride, bv.col_stride), "b");
    require_size(c, span(m, n, ldc, 1), "c");
    rekd::gemm(m, n, k, av, bv, c.data, ldc, accumulate);
  });
}

ConvShape conv_shape(napi_env env, napi_value value) {
  bool is_typed = false;
  napi_typedarray_type type;
  std::size_t length = 0;
  void* data = nullptr;
  check(napi_is_typedarray(env, value, &is_typed), "shape");
  if (is_typed) check(napi_get_typedarray_info(env, value, &type, &length, &data, nullptr, nullptr), "shape");
  constexpr std::size_t fields = 15;
  static_assert(sizeof(ConvShape) == fields * sizeof(int), "ConvShape is 15 ints");
  if (!is_typed || type != napi_int32_array || length != fields) {
    throw ArgumentError{"shape must be an Int32Array of " + std::to_string(fields) + " values"};
  }
  const std::int32_t* v = static_cast<const std::int32_t*>(data);
  const ConvShape s{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14]};
  if (const char* why = s.invalid()) throw ArgumentError{std::string("conv shape: ") + why};
  return s;
}

using ConvKernel = void (*)(const ConvShape&, const float*, const float*, float*);

// (first, second, out, shape) of a convolution or pooling: sizes taken from the shape in the
// order the kernel reads them. A depthwise kernel (multiplier 1) needs out_channels = in_channels.
template <ConvKernel kernel, std::size_t (ConvShape::*first_size)() const, std::size_t (ConvShape::*second_size)() const,
          std::size_t (ConvShape::*out_size)() const, bool depthwise = false>
napi_value Conv(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[4];
    arguments(env, info, argv);
    const ConvShape s = conv_shape(env, argv[3]);
    if (depthwise && s.out_channels != s.in_channels) throw ArgumentError{"depthwise shape: out_channels must equal in_channels (multiplier 1)"};
    const Floats first = float_array(env, argv[0], "first operand"), second = float_array(env, argv[1], "second operand");
    const Floats out = float_array(env, argv[2], "output");
    require_size(first, (s.*first_size)(), "first operand");
    require_size(second, (s.*second_size)(), "second operand");
    require_size(out, (s.*out_size)(), "output");
    kernel(s, first.data, second.data, out.data);
  });
}

// reduceMiddle(x, out, outer, reduced, inner, mean)
napi_value ReduceMiddle(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[6];
    arguments(env, info, argv);
    const Floats x = float_array(env, argv[0], "x"), out = float_array(env, argv[1], "out");
    const int outer = dimension(env, argv[2], "outer"), reduced = dimension(env, argv[3], "reduced"), inner = dimension(env, argv[4], "inner");
    bool mean = false;
    check(napi_get_value_bool(env, argv[5], &mean), "mean");
    require_size(x, static_cast<std::size_t>(outer) * reduced * inner, "x");
    require_size(out, static_cast<std::size_t>(outer) * inner, "out");
    rekd::reduce_middle(x.data, outer, reduced, inner, mean, out.data);
  });
}

// copy2d(src, srcOffset, srcRow, srcCol, dst, dstOffset, dstRow, dstCol, rows, width): a strided
// 2-d copy between two arrays (see elementwise.h), bounds checked against both.
napi_value Copy2d(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[10];
    arguments(env, info, argv);
    const Floats src = float_array(env, argv[0], "src"), dst = float_array(env, argv[4], "dst");
    const std::ptrdiff_t src_offset = stride(env, argv[1], "srcOffset"), src_row = stride(env, argv[2], "srcRow");
    const std::ptrdiff_t src_col = stride(env, argv[3], "srcCol"), dst_offset = stride(env, argv[5], "dstOffset");
    const std::ptrdiff_t dst_row = stride(env, argv[6], "dstRow"), dst_col = stride(env, argv[7], "dstCol");
    const int rows = dimension(env, argv[8], "rows"), width = dimension(env, argv[9], "width");
    require_size(src, src_offset + span(rows, width, src_row, src_col), "src");
    require_size(dst, dst_offset + span(rows, width, dst_row, dst_col), "dst");
    rekd::copy_2d(src.data + src_offset, src_row, src_col, dst.data + dst_offset, dst_row, dst_col, rows, width);
  });
}

// transposeLastTwo(x, out, rows, a, b): out [rows, b, a] from x [rows, a, b].
napi_value TransposeLastTwo(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[5];
    arguments(env, info, argv);
    const Floats x = float_array(env, argv[0], "x"), out = float_array(env, argv[1], "out");
    const int rows = dimension(env, argv[2], "rows"), a = dimension(env, argv[3], "a"), b = dimension(env, argv[4], "b");
    const std::size_t size = static_cast<std::size_t>(rows) * a * b;
    require_size(x, size, "x");
    require_size(out, size, "out");
    rekd::transpose_last_two(x.data, rows, a, b, out.data);
  });
}

// binaryRepeat(op, full, small, out, smallFirst): op 0 add, 1 sub, 2 multiply.
napi_value BinaryRepeat(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[5];
    arguments(env, info, argv);
    const std::int64_t op = integer(env, argv[0], "op");
    if (op < 0 || op > 2) throw ArgumentError{"op must be 0 (add), 1 (sub) or 2 (multiply)"};
    const Floats full = float_array(env, argv[1], "full"), small = float_array(env, argv[2], "small"), out = float_array(env, argv[3], "out");
    bool small_first = false;
    check(napi_get_value_bool(env, argv[4], &small_first), "smallFirst");
    if (small.length == 0 || full.length % small.length != 0) throw ArgumentError{"small's length must divide full's"};
    require_size(out, full.length, "out");
    rekd::binary_repeat(static_cast<rekd::BinaryOp>(op), full.data, small.data, full.length, small.length, small_first, out.data);
  });
}

double number(napi_env env, napi_value value, const char* name) {
  double out = 0;
  check(napi_get_value_double(env, value, &out), name);
  return out;
}

// The [rows, channels] view of a BatchNorm input: channels from the per-channel operand.
struct RowsAndChannels {
  int rows, channels;
};

RowsAndChannels rows_and_channels(const Floats& x, const Floats& per_channel) {
  if (per_channel.length == 0 || x.length % per_channel.length != 0) throw ArgumentError{"the channel count must divide x's length"};
  if (x.length / per_channel.length > 0x7fffffff || per_channel.length > 0x7fffffff) throw ArgumentError{"BatchNorm operands too large"};
  return {static_cast<int>(x.length / per_channel.length), static_cast<int>(per_channel.length)};
}

bool boolean(napi_env env, napi_value value, const char* name) {
  bool out = false;
  check(napi_get_value_bool(env, value, &out), name);
  return out;
}

// batchNormForward(x, gamma, beta, epsilon, relu, y, mean, variance)
napi_value BatchNormForward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[8];
    arguments(env, info, argv);
    const Floats x = float_array(env, argv[0], "x"), gamma = float_array(env, argv[1], "gamma"), beta = float_array(env, argv[2], "beta");
    const float epsilon = static_cast<float>(number(env, argv[3], "epsilon"));
    const bool relu = boolean(env, argv[4], "relu");
    const Floats y = float_array(env, argv[5], "y"), mean = float_array(env, argv[6], "mean"), variance = float_array(env, argv[7], "variance");
    const RowsAndChannels shape = rows_and_channels(x, gamma);
    for (const auto& [array, name] : {std::pair{beta, "beta"}, std::pair{mean, "mean"}, std::pair{variance, "variance"}}) {
      require_size(array, gamma.length, name);
    }
    require_size(y, x.length, "y");
    rekd::batch_norm_forward(x.data, shape.rows, shape.channels, gamma.data, beta.data, epsilon, relu, y.data, mean.data, variance.data);
  });
}

// batchNormBackward(dy, x, reluOutput, mean, variance, gamma, epsilon, dx, dgamma, dbeta): reluOutput
// is the forward's y when it fused a ReLU, else null.
napi_value BatchNormBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[10];
    arguments(env, info, argv);
    const Floats dy = float_array(env, argv[0], "dy"), x = float_array(env, argv[1], "x");
    napi_valuetype relu_type;
    check(napi_typeof(env, argv[2], &relu_type), "reluOutput");
    const Floats relu_output = relu_type == napi_null ? Floats{nullptr, 0} : float_array(env, argv[2], "reluOutput");
    const Floats mean = float_array(env, argv[3], "mean"), variance = float_array(env, argv[4], "variance"), gamma = float_array(env, argv[5], "gamma");
    const float epsilon = static_cast<float>(number(env, argv[6], "epsilon"));
    const Floats dx = float_array(env, argv[7], "dx"), dgamma = float_array(env, argv[8], "dgamma"), dbeta = float_array(env, argv[9], "dbeta");
    if (relu_output.data != nullptr) require_size(relu_output, x.length, "reluOutput");
    const RowsAndChannels shape = rows_and_channels(x, gamma);
    for (const auto& [array, name] : {std::pair{mean, "mean"}, std::pair{variance, "variance"}, std::pair{dgamma, "dgamma"}, std::pair{dbeta, "dbeta"}}) {
      require_size(array, gamma.length, name);
    }
    require_size(dy, x.length, "dy");
    require_size(dx, x.length, "dx");
    rekd::batch_norm_backward(dy.data, x.data, relu_output.data, shape.rows, shape.channels, mean.data, variance.data, gamma.data,
                              epsilon, dx.data, dgamma.data, dbeta.data);
  });
}

// linearCombination(out, a, x, b, y, c, z): out = a x + b y (+ c z; z may be null).
napi_value LinearCombination(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[7];
    arguments(env, info, argv);
    const Floats out = float_array(env, argv[0], "out"), x = float_array(env, argv[2], "x"), y = float_array(env, argv[4], "y");
    const float a = static_cast<float>(number(env, argv[1], "a")), b = static_cast<float>(number(env, argv[3], "b"));
    const float c = static_cast<float>(number(env, argv[5], "c"));
    napi_valuetype z_type;
    check(napi_typeof(env, argv[6], &z_type), "z");
    const Floats z = z_type == napi_null ? Floats{nullptr, 0} : float_array(env, argv[6], "z");
    require_size(x, out.length, "x");
    require_size(y, out.length, "y");
    if (z.data != nullptr) require_size(z, out.length, "z");
    rekd::linear_combination(out.length, a, x.data, b, y.data, c, z.data, out.data);
  });
}

using UnaryKernel = void (*)(const float*, std::size_t, float*);

// (x, y): y = f(x) elementwise (exp, activations).
template <UnaryKernel kernel>
napi_value Unary(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[2];
    arguments(env, info, argv);
    const Floats x = float_array(env, argv[0], "x"), y = float_array(env, argv[1], "y");
    require_size(y, x.length, "y");
    kernel(x.data, x.length, y.data);
  });
}

using GradientKernel = void (*)(const float*, const float*, std::size_t, float*);

// (dy, x, dx): the gradient of an elementwise function of x (the activations').
template <GradientKernel kernel>
napi_value Gradient(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[3];
    arguments(env, info, argv);
    const Floats dy = float_array(env, argv[0], "dy"), x = float_array(env, argv[1], "x"), dx = float_array(env, argv[2], "dx");
    require_size(dy, x.length, "dy");
    require_size(dx, x.length, "dx");
    kernel(dy.data, x.data, x.length, dx.data);
  });
}

napi_value string_value(napi_env env, const char* text) {
  napi_value out;
  check(napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &out), "a string");
  return out;
}

// setThreads(n): the kernels' threads, the caller's included; returns the count now in use.
napi_value SetThreads(napi_env env, napi_callback_info info) {
  napi_value result = nullptr;
  guarded(env, [&] {
    napi_value argv[1];
    arguments(env, info, argv);
    const std::int64_t threads = integer(env, argv[0], "threads");
    if (threads < 1 || threads > 256) throw ArgumentError{"threads must be in [1, 256]"};
    rekd::set_thread_count(static_cast<int>(threads));
    check(napi_create_int32(env, rekd::thread_count(), &result), "the thread count");
  });
  return result;
}

// cpuPath(): the instruction set of the kernels in use, "avx512" or "avx2".
napi_value CpuPath(napi_env env, napi_callback_info) {
  napi_value result = nullptr;
  guarded(env, [&] { result = string_value(env, rekd::gemm_kernel().name); });
  return result;
}

// setCpuPath(name): switches to the "avx2" or "avx512" kernels; throws when the CPU lacks them.
napi_value SetCpuPath(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    napi_value argv[1];
    arguments(env, info, argv);
    char name[16];
    std::size_t length = 0;
    check(napi_get_value_string_utf8(env, argv[0], name, sizeof name, &length), "the path name");
    if (const char* why = rekd::select_gemm_kernel(name)) throw ArgumentError{std::string("cannot use ") + name + ": " + why};
  });
}

// Writable like ordinary JS methods (tests wrap them to count calls).
constexpr napi_property_attributes kMethod = static_cast<napi_property_attributes>(napi_writable | napi_enumerable | napi_configurable);

napi_value Init(napi_env env, napi_value exports) {
  const napi_property_descriptor properties[] = {
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"cpuPath", nullptr, CpuPath, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"setCpuPath", nullptr, SetCpuPath, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"reduceMiddle", nullptr, ReduceMiddle, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"copy2d", nullptr, Copy2d, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"transposeLastTwo", nullptr, TransposeLastTwo, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"binaryRepeat", nullptr, BinaryRepeat, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"conv2d", nullptr, Conv<rekd::conv2d_forward, &ConvShape::input_size, &ConvShape::filter_size, &ConvShape::output_size>,
       nullptr, nullptr, nullptr, kMethod, nullptr},
      {"conv2dBackpropInput", nullptr,
       Conv<rekd::conv2d_backprop_input, &ConvShape::output_size, &ConvShape::filter_size, &ConvShape::input_size>, nullptr,
       nullptr, nullptr, kMethod, nullptr},
      {"conv2dBackpropFilter", nullptr,
       Conv<rekd::conv2d_backprop_filter, &ConvShape::input_size, &ConvShape::output_size, &ConvShape::filter_size>, nullptr,
       nullptr, nullptr, kMethod, nullptr},
      {"depthwiseConv2d", nullptr,
       Conv<rekd::depthwise_forward, &ConvShape::input_size, &ConvShape::depthwise_filter_size, &ConvShape::output_size, true>,
       nullptr, nullptr, nullptr, kMethod, nullptr},
      {"depthwiseConv2dBackpropInput", nullptr,
       Conv<rekd::depthwise_backprop_input, &ConvShape::output_size, &ConvShape::depthwise_filter_size, &ConvShape::input_size, true>,
       nullptr, nullptr, nullptr, kMethod, nullptr},
      {"depthwiseConv2dBackpropFilter", nullptr,
       Conv<rekd::depthwise_backprop_filter, &ConvShape::input_size, &ConvShape::output_size, &ConvShape::depthwise_filter_size, true>,
       nullptr, nullptr, nullptr, kMethod, nullptr},
      {"batchNormForward", nullptr, BatchNormForward, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"batchNormBackward", nullptr, BatchNormBackward, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"exp", nullptr, Unary<rekd::exp_array>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"relu", nullptr, Unary<rekd::relu_forward>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"swish", nullptr, Unary<rekd::swish_forward>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"swishBackprop", nullptr, Gradient<rekd::swish_backprop>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"reluBackprop", nullptr, Gradient<rekd::relu_backprop>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"relu6", nullptr, Unary<rekd::relu6_forward>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"relu6Backprop", nullptr, Gradient<rekd::relu6_backprop>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"hardSwish", nullptr, Unary<rekd::hardswish_forward>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"hardSwishBackprop", nullptr, Gradient<rekd::hardswish_backprop>, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"linearCombination", nullptr, LinearCombination, nullptr, nullptr, nullptr, kMethod, nullptr},
      {"maxPoolBackprop", nullptr,
       Conv<rekd::max_pool_backprop, &ConvShape::input_size, &ConvShape::output_size, &ConvShape::input_size>, nullptr, nullptr,
       nullptr, kMethod, nullptr},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
