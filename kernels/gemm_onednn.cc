#include "kernels/gemm_onednn.h"

#include "kernels/onednn_util.h"

#include <algorithm>
#include <map>
#include <tuple>

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

  bool operator<(const Key& o) const {
    return std::tie(threads, ta, tb, alpha, beta) < std::tie(o.threads, o.ta, o.tb, o.alpha, o.beta);
  }
};

// Per thread: attention calls gemm from inside parallel loops, and a primitive
// with its library-managed scratchpad must not run on two threads at once.
using PrimitiveCache = std::map<Key, dnnl::matmul>;

dnnl::matmul make_primitive(const onednn::Context& ctx, const Key& key) {
  const memory::dim rt = DNNL_RUNTIME_DIM_VAL;
  // Fully runtime strides would select oneDNN's reference kernel; a known
  // unit stride with a runtime leading dimension keeps the optimized GEMM.
  auto desc_of = [rt](bool transposed) {
    return memory::desc({rt, rt}, memory::data_type::f32,
                        transposed ? memory::dims{1, rt} : memory::dims{rt, 1});
  };
  dnnl::primitive_attr attr;
  if (key.alpha != 1.f) attr.set_output_scales(0, {key.alpha});
  if (key.beta != 0.f) {
    dnnl::post_ops ops;
    ops.append_sum(key.beta);
    attr.set_post_ops(ops);
  }
  const dnnl::matmul::desc desc(desc_of(key.ta), desc_of(key.tb), desc_of(false));
  return dnnl::matmul(dnnl::matmul::primitive_desc(desc, attr, ctx.engine));
}

memory::dim row_stride(const ConstBlockRef& x) {
  return std::max<memory::dim>(x.outerStride(), std::max<memory::dim>(x.cols(), 1));
}

}  // namespace

void gemm_onednn(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c, float alpha,
                 float beta) {
  thread_local PrimitiveCache primitives;
  onednn::Context& ctx = onednn::context();
  const memory::dim m = c.rows(), n = c.cols(), k = ta == Trans::No ? a.cols() : a.rows();
  const double macs = static_cast<double>(m) * n * k;
  const int threads = onednn::threads_for(macs);
  const onednn::ScopedThreads scoped(threads);
  const Key key{threads, ta == Trans::Yes, tb == Trans::Yes, alpha, beta};
  auto it = primitives.find(key);
  if (it == primitives.end()) it = primitives.emplace(key, make_primitive(ctx, key)).first;
  // Row-major storage: element (i, j) of A sits at i*lda + j; of A^T at j*lda + i.
  const memory::dim lda = row_stride(a), ldb = row_stride(b);
  const memory::dims a_strides = ta == Trans::No ? memory::dims{lda, 1} : memory::dims{1, lda};
  const memory::dims b_strides = tb == Trans::No ? memory::dims{ldb, 1} : memory::dims{1, ldb};
  const memory::dim ldc = std::max<memory::dim>(c.outerStride(), std::max<memory::dim>(n, 1));
  memory ma({{m, k}, memory::data_type::f32, a_strides}, ctx.engine, const_cast<float*>(a.data()));
  memory mb({{k, n}, memory::data_type::f32, b_strides}, ctx.engine, const_cast<float*>(b.data()));
  memory mc({{m, n}, memory::data_type::f32, {ldc, 1}}, ctx.engine, c.data());
  it->second.execute(ctx.stream, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
  ctx.stream.wait();
}

}  // namespace tandem
