#include "kernels/gemm_onednn.h"

#include <omp.h>

#include <cstring>
#include <dnnl.hpp>
#include <unordered_map>

namespace tandem {
namespace {

using dnnl::memory;

// Everything that decides a matmul primitive: sizes, the operands' element
// strides (a transpose is a stride order, so no operand is ever copied), and
// the scalars folded into the primitive (alpha as output scale, beta as a
// sum post-op).
struct Key {
  memory::dim threads;
  memory::dim m, n, k;
  memory::dim a_row, a_col, b_row, b_col, c_row;
  float alpha, beta;

  bool operator==(const Key& o) const { return std::memcmp(this, &o, sizeof(Key)) == 0; }
};

struct KeyHash {
  size_t operator()(const Key& key) const {
    const auto* words = reinterpret_cast<const uint32_t*>(&key);
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < sizeof(Key) / 4; ++i) h = (h ^ words[i]) * 1099511628211ull;
    return static_cast<size_t>(h);
  }
};

struct Entry {
  dnnl::matmul primitive;
  memory::desc a, b, c;
};

// Per thread: attention calls gemm from inside parallel loops, and a primitive
// with its library-managed scratchpad must not run on two threads at once.
struct Context {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  std::unordered_map<Key, Entry, KeyHash> cache;
};

// Training sees a few hundred distinct batch shapes; past this many entries
// the cache starts over rather than grow without bound.
constexpr size_t kMaxCachedPrimitives = 2048;

Entry make_entry(const Context& ctx, const Key& key) {
  Entry e;
  e.a = memory::desc({key.m, key.k}, memory::data_type::f32, {key.a_row, key.a_col});
  e.b = memory::desc({key.k, key.n}, memory::data_type::f32, {key.b_row, key.b_col});
  e.c = memory::desc({key.m, key.n}, memory::data_type::f32, {key.c_row, 1});
  dnnl::primitive_attr attr;
  if (key.alpha != 1.f) attr.set_output_scales(0, {key.alpha});
  if (key.beta != 0.f) {
    dnnl::post_ops ops;
    ops.append_sum(key.beta);
    attr.set_post_ops(ops);
  }
  const dnnl::matmul::desc desc(e.a, e.b, e.c);
  e.primitive = dnnl::matmul(dnnl::matmul::primitive_desc(desc, attr, ctx.engine));
  return e;
}

// Below this many multiply-adds a product runs on the calling thread: waking
// the pool costs more than it saves (bench_gemm: a 4x256x1024 decoding step
// ran at 66 GFLOP/s on one thread and 30-58 on two; 128x256x256 gains from two).
constexpr double kSmallMacs = 4.0 * (1 << 20);

// Sets the calling thread's OpenMP team size for one product, then restores it.
class ScopedThreads {
 public:
  explicit ScopedThreads(int n) : saved_(omp_get_max_threads()) {
    if (n != saved_) omp_set_num_threads(n);
  }
  ~ScopedThreads() {
    if (omp_get_max_threads() != saved_) omp_set_num_threads(saved_);
  }
  ScopedThreads(const ScopedThreads&) = delete;
  ScopedThreads& operator=(const ScopedThreads&) = delete;

 private:
  int saved_;
};

memory::dim row_stride(const ConstBlockRef& x) {
  return std::max<memory::dim>(x.outerStride(), std::max<memory::dim>(x.cols(), 1));
}

}  // namespace

void gemm_onednn(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c, float alpha,
                 float beta) {
  thread_local Context ctx;
  const double macs = static_cast<double>(c.rows()) * c.cols() * (ta == Trans::No ? a.cols() : a.rows());
  const int threads = omp_in_parallel() ? 1 : macs < kSmallMacs ? 1 : omp_get_max_threads();
  const ScopedThreads scoped(threads);
  Key key{};  // zeroed padding: the key is compared as bytes
  key.threads = threads;
  key.m = c.rows();
  key.n = c.cols();
  key.k = ta == Trans::No ? a.cols() : a.rows();
  const memory::dim lda = row_stride(a), ldb = row_stride(b);
  // Row-major storage: element (i, j) of A sits at i*lda + j; of A^T at j*lda + i.
  key.a_row = ta == Trans::No ? lda : 1;
  key.a_col = ta == Trans::No ? 1 : lda;
  key.b_row = tb == Trans::No ? ldb : 1;
  key.b_col = tb == Trans::No ? 1 : ldb;
  key.c_row = std::max<memory::dim>(c.outerStride(), std::max<memory::dim>(c.cols(), 1));
  key.alpha = alpha;
  key.beta = beta;
  auto it = ctx.cache.find(key);
  if (it == ctx.cache.end()) {
    if (ctx.cache.size() >= kMaxCachedPrimitives) ctx.cache.clear();
    it = ctx.cache.emplace(key, make_entry(ctx, key)).first;
  }
  const Entry& e = it->second;
  memory ma(e.a, ctx.engine, const_cast<float*>(a.data()));
  memory mb(e.b, ctx.engine, const_cast<float*>(b.data()));
  memory mc(e.c, ctx.engine, c.data());
  e.primitive.execute(ctx.stream, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
  ctx.stream.wait();
}

}  // namespace tandem
