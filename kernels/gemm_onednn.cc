#include "kernels/gemm_onednn.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "kernels/onednn_util.h"
#include "kernels/quantize.h"

namespace tandem {
namespace {

using dnnl::memory;

// What a primitive is created for. Sizes and strides are runtime values
// (DNNL_RUNTIME_DIM_VAL), so one primitive serves every batch shape: training
// batches come in hundreds of token counts, and creating a primitive per shape
// cost more than the products themselves in small models. A transpose is only
// a stride order, so no operand is ever copied.
struct Key {
  int threads;
  bool ta, tb;        // which stride of each operand is the unit one
  float alpha, beta;  // alpha as output scale, beta as a sum post-op
  bool bf16;          // operands in bfloat16 (result fp32)

  bool operator<(const Key& o) const {
    return std::tie(threads, ta, tb, alpha, beta, bf16) <
           std::tie(o.threads, o.ta, o.tb, o.alpha, o.beta, o.bf16);
  }
};

// Per thread: attention calls gemm from inside parallel loops, and a primitive
// with its library-managed scratchpad must not run on two threads at once.
using PrimitiveCache = std::map<Key, dnnl::matmul>;

dnnl::matmul make_primitive(const onednn::Context& ctx, const Key& key) {
  const memory::dim rt = DNNL_RUNTIME_DIM_VAL;
  // Fully runtime strides would select oneDNN's reference kernel; a known
  // unit stride with a runtime leading dimension keeps the optimized GEMM.
  auto desc_of = [rt](memory::data_type type, bool transposed) {
    return memory::desc({rt, rt}, type, transposed ? memory::dims{1, rt} : memory::dims{rt, 1});
  };
  const auto operand = key.bf16 ? memory::data_type::bf16 : memory::data_type::f32;
  dnnl::primitive_attr attr;
  if (key.alpha != 1.f) attr.set_output_scales(0, {key.alpha});
  if (key.beta != 0.f) {
    dnnl::post_ops ops;
    ops.append_sum(key.beta);
    attr.set_post_ops(ops);
  }
  const dnnl::matmul::desc desc(desc_of(operand, key.ta), desc_of(operand, key.tb),
                                desc_of(memory::data_type::f32, false));
  return dnnl::matmul(dnnl::matmul::primitive_desc(desc, attr, ctx.engine));
}

memory::dim row_stride(const ConstBlockRef& x) {
  return std::max<memory::dim>(x.outerStride(), std::max<memory::dim>(x.cols(), 1));
}

// An operand as the primitive reads it: its data, leading dimension, type.
struct Operand {
  const void* data;
  memory::dim ld;
};

// The block rounded to bf16 into `buffer`, densely (leading dimension = cols).
// Memory-bound, so it uses the product's threads: on one thread it cost as
// much as the bf16 product itself.
Operand rounded_to_bf16(const ConstBlockRef& x, std::vector<uint16_t>& buffer, int threads) {
  const Eigen::Index rows = x.rows(), cols = x.cols();
  buffer.resize(static_cast<size_t>(rows * cols));
  uint16_t* out = buffer.data();
#pragma omp parallel for num_threads(threads) if (threads > 1 && rows * cols >= (1 << 16))
  for (Eigen::Index r = 0; r < rows; ++r) to_bfloat16(x.row(r).data(), cols, out + r * cols);
  return {out, std::max<memory::dim>(cols, 1)};
}

void run(const Operand& a, Trans ta, const Operand& b, Trans tb, BlockRef c, memory::dim k,
         float alpha, float beta, bool bf16) {
  thread_local PrimitiveCache primitives;
  onednn::Context& ctx = onednn::context();
  const memory::dim m = c.rows(), n = c.cols();
  const int threads = onednn::threads_for(static_cast<double>(m) * n * k, onednn::mac_cost(false, bf16));
  const onednn::ScopedThreads scoped(threads);
  const Key key{threads, ta == Trans::Yes, tb == Trans::Yes, alpha, beta, bf16};
  auto it = primitives.find(key);
  if (it == primitives.end()) it = primitives.emplace(key, make_primitive(ctx, key)).first;
  // Row-major storage: element (i, j) of A sits at i*lda + j; of A^T at j*lda + i.
  const memory::dims a_strides = ta == Trans::No ? memory::dims{a.ld, 1} : memory::dims{1, a.ld};
  const memory::dims b_strides = tb == Trans::No ? memory::dims{b.ld, 1} : memory::dims{1, b.ld};
  const memory::dim ldc = std::max<memory::dim>(c.outerStride(), std::max<memory::dim>(n, 1));
  const auto operand = bf16 ? memory::data_type::bf16 : memory::data_type::f32;
  memory ma({{m, k}, operand, a_strides}, ctx.engine, const_cast<void*>(a.data));
  memory mb({{k, n}, operand, b_strides}, ctx.engine, const_cast<void*>(b.data));
  memory mc({{m, n}, memory::data_type::f32, {ldc, 1}}, ctx.engine, c.data());
  it->second.execute(ctx.stream, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
  ctx.stream.wait();
}

}  // namespace

void gemm_onednn(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c, float alpha,
                 float beta) {
  const memory::dim k = ta == Trans::No ? a.cols() : a.rows();
  run({a.data(), row_stride(a)}, ta, {b.data(), row_stride(b)}, tb, c, k, alpha, beta, false);
}

void gemm_onednn_bf16(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c,
                      float alpha, float beta) {
  thread_local std::vector<uint16_t> a16, b16;
  const memory::dim k = ta == Trans::No ? a.cols() : a.rows();
  const int threads = onednn::threads_for(static_cast<double>(c.rows()) * c.cols() * k, onednn::mac_cost(false, true));
  run(rounded_to_bf16(a, a16, threads), ta, rounded_to_bf16(b, b16, threads), tb, c, k, alpha, beta, true);
}

}  // namespace tandem
