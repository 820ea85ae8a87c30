#include "kernels/packed_matmul_onednn.h"

#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <map>
#include <tuple>
#include <vector>

#include "core/error.h"
#include "kernels/onednn_util.h"
#include "kernels/quantize.h"

namespace tandem::onednn {
namespace {

using dnnl::memory;
using DataType = memory::data_type;

DataType operand_type(ComputeType type) {
  return type == ComputeType::Int8 ? DataType::s8 : DataType::bf16;
}

DataType result_type(ComputeType type) {
  return type == ComputeType::Int8 ? DataType::s32 : DataType::f32;
}

// Row counts are rounded up to a bucket, so a few dozen primitives (each takes
// ~0.3 ms to create) serve every batch shape; padding rows are zeros and cost
// at most an eighth more work. Up to 8 rows stay exact: one-sentence decoding.
memory::dim bucket_rows(memory::dim m) {
  if (m <= 8) return m;
  if (m <= 64) return (m + 7) / 8 * 8;
  if (m <= 512) return (m + 31) / 32 * 32;
  return (m + 127) / 128 * 128;
}

struct Key {
  ComputeType type;
  memory::dim rows, in, out;
  int threads;
  bool operator<(const Key& o) const {
    return std::tie(type, rows, in, out, threads) < std::tie(o.type, o.rows, o.in, o.out, o.threads);
  }
};

// The converted operands and raw results of the calling thread's last product.
struct Staging {
  std::vector<int8_t> s8;
  std::vector<uint16_t> bf16;
  std::vector<float> row_scales, result;
  std::vector<int32_t> s32;
};

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

}  // namespace

struct PackedMatmul::State {
  ComputeType type;
  memory::dim out, in;
  memory::desc packed_desc;
  std::unique_ptr<void, FreeDeleter> packed;  // 64-byte aligned, packed_desc.get_size() bytes
};

PackedMatmul::PackedMatmul(ComputeType type, Eigen::Index out, Eigen::Index in, const void* weight)
    : state_(std::make_unique<State>()) {
  TANDEM_CHECK(type != ComputeType::Float32) << "float32 weights are not packed";
  State& s = *state_;
  s.type = type;
  s.out = out;
  s.in = in;
  Context& ctx = context();
  // oneDNN picks the layout for a typical decoding batch; every row count then
  // asks for that same layout explicitly.
  const memory::dim typical_rows = 128;
  const dnnl::matmul::desc desc(
      memory::desc({typical_rows, in}, operand_type(type), memory::dims{in, 1}),
      memory::desc({in, out}, operand_type(type), memory::format_tag::any),
      memory::desc({typical_rows, out}, result_type(type), memory::dims{out, 1}));
  s.packed_desc = dnnl::matmul::primitive_desc(desc, ctx.engine).weights_desc();
  const size_t bytes = (s.packed_desc.get_size() + 63) / 64 * 64;
  s.packed.reset(std::aligned_alloc(64, bytes));
  TANDEM_CHECK(s.packed) << "out of memory packing a " << out << "x" << in << " weight";
  // W [out, in] row-major is W^T [in, out] with strides {1, in}.
  memory plain({{in, out}, operand_type(type), memory::dims{1, in}}, ctx.engine,
               const_cast<void*>(weight));
  memory packed(s.packed_desc, ctx.engine, s.packed.get());
  dnnl::reorder(plain, packed).execute(ctx.stream, plain, packed);
  ctx.stream.wait();
}

PackedMatmul::~PackedMatmul() = default;

void PackedMatmul::multiply(ConstBlockRef x, BlockRef y, const float* column_scales,
                            const float* bias) const {
  const State& s = *state_;
  const memory::dim m = x.rows(), rows = bucket_rows(m), in = s.in, out = s.out;
  const int threads = threads_for(static_cast<double>(rows) * in * out,
                                  mac_cost(s.type == ComputeType::Int8, s.type == ComputeType::BFloat16));
  const ScopedThreads scoped(threads);
  Context& ctx = context();
  thread_local std::map<Key, dnnl::matmul> primitives;
  thread_local Staging staging;
  Staging& st = staging;  // the caller's buffers, also inside the parallel loops below

  const Key key{s.type, rows, in, out, threads};
  auto it = primitives.find(key);
  if (it == primitives.end()) {
    const dnnl::matmul::desc desc(
        memory::desc({rows, in}, operand_type(s.type), memory::dims{in, 1}), s.packed_desc,
        memory::desc({rows, out}, result_type(s.type), memory::dims{out, 1}));
    it = primitives.emplace(key, dnnl::matmul(dnnl::matmul::primitive_desc(desc, ctx.engine))).first;
  }

  // Operands in the primitive's type, padded to `rows` with zero rows.
  void* src = nullptr;
  if (s.type == ComputeType::Int8) {
    st.s8.resize(static_cast<size_t>(rows * in));
    std::fill(st.s8.begin() + m * in, st.s8.end(), int8_t{0});
    st.row_scales.resize(static_cast<size_t>(rows));
#pragma omp parallel for if (threads > 1)
    for (memory::dim r = 0; r < m; ++r)
      st.row_scales[r] = quantize_row(x.row(r).data(), in, st.s8.data() + r * in);
    src = st.s8.data();
  } else {
    st.bf16.resize(static_cast<size_t>(rows * in));
    std::fill(st.bf16.begin() + m * in, st.bf16.end(), uint16_t{0});
#pragma omp parallel for if (threads > 1)
    for (memory::dim r = 0; r < m; ++r) to_bfloat16(x.row(r).data(), in, st.bf16.data() + r * in);
    src = st.bf16.data();
  }
  // Results straight into y when it has the primitive's shape and strides.
  const bool direct = s.type != ComputeType::Int8 && rows == m && y.outerStride() == out;
  void* dst;
  if (s.type == ComputeType::Int8) {
    st.s32.resize(static_cast<size_t>(rows * out));
    dst = st.s32.data();
  } else if (direct) {
    dst = y.data();
  } else {
    st.result.resize(static_cast<size_t>(rows * out));
    dst = st.result.data();
  }
  memory src_mem({{rows, in}, operand_type(s.type), memory::dims{in, 1}}, ctx.engine, src);
  memory weight_mem(s.packed_desc, ctx.engine, s.packed.get());
  memory dst_mem({{rows, out}, result_type(s.type), memory::dims{out, 1}}, ctx.engine, dst);
  it->second.execute(ctx.stream, {{DNNL_ARG_SRC, src_mem}, {DNNL_ARG_WEIGHTS, weight_mem},
                                  {DNNL_ARG_DST, dst_mem}});
  ctx.stream.wait();

  // Dequantize (int8), copy out of staging, add the bias: one pass over y.
  if (s.type == ComputeType::Int8) {
#pragma omp parallel for if (threads > 1)
    for (memory::dim r = 0; r < m; ++r) {
      const int32_t* acc = st.s32.data() + r * out;
      const float row_scale = st.row_scales[r];
      float* yr = y.row(r).data();
      if (bias) {
        for (memory::dim j = 0; j < out; ++j)
          yr[j] = static_cast<float>(acc[j]) * (row_scale * column_scales[j]) + bias[j];
      } else {
        for (memory::dim j = 0; j < out; ++j)
          yr[j] = static_cast<float>(acc[j]) * (row_scale * column_scales[j]);
      }
    }
  } else if (!direct || bias) {
    for (memory::dim r = 0; r < m; ++r) {
      float* yr = y.row(r).data();
      if (!direct) std::memcpy(yr, st.result.data() + r * out, sizeof(float) * out);
      if (bias)
        for (memory::dim j = 0; j < out; ++j) yr[j] += bias[j];
    }
  }
}

}  // namespace tandem::onednn
