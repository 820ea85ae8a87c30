#include "layers/attention.h"

#include <atomic>
#include <cmath>

#include "core/error.h"
#include "core/parallel.h"
#include "core/profile.h"
#include "core/rng.h"
#include "core/threads.h"
#include "layers/rope.h"

namespace tandem {
namespace {

// Positions each hypothesis's self-attention cache holds before it first grows
// (most Multi30k outputs are shorter; longer ones double it).
constexpr int kFirstCacheChunk = 16;

std::atomic<AttentionImpl> g_impl{AttentionImpl::Auto};

}  // namespace

void set_attention_impl(AttentionImpl impl) { g_impl = impl; }
AttentionImpl attention_impl() { return g_impl; }

MultiHeadAttention::MultiHeadAttention(const AttentionOptions& o, PositionBias* bias)
    : options_(o), bias_(bias) {
  const int d = o.d_model, heads = o.heads;
  kv_heads_ = o.kv_heads == 0 ? heads : o.kv_heads;
  TANDEM_CHECK(heads > 0 && d % heads == 0) << "d_model " << d << " is not divisible by heads "
                                            << heads;
  TANDEM_CHECK(kv_heads_ > 0 && heads % kv_heads_ == 0)
      << "kv_heads " << kv_heads_ << " does not divide heads " << heads;
  head_dim_ = d / heads;
  scale_ = 1.f / std::sqrt(static_cast<float>(head_dim_));
  const bool self = o.kind != AttentionKind::Cross;
  TANDEM_CHECK(self || (o.window == 0 && !o.rope && !bias))
      << "windows, rope and position biases apply to self-attention only";
  TANDEM_CHECK(!o.rope || head_dim_ % 2 == 0) << "rope needs an even head dimension, got "
                                              << head_dim_;
  q_proj_ = Linear(d, d);
  k_proj_ = Linear(d, kv_heads_ * head_dim_);
  v_proj_ = Linear(d, kv_heads_ * head_dim_);
  out_proj_ = Linear(d, d);
}

void MultiHeadAttention::init(Rng& rng) {
  q_proj_.init(rng);
  k_proj_.init(rng);
  v_proj_.init(rng);
  out_proj_.init(rng);
}

bool MultiHeadAttention::use_tiled(int key_len, bool dropout_on) const {
  if (dropout_on) return false;
  const AttentionImpl impl = attention_impl();
  return impl == AttentionImpl::Tiled || (impl == AttentionImpl::Auto && key_len > kTiledFromKeys);
}

HeadGeometry MultiHeadAttention::geometry(int key_length, const Saved& c, int head) const {
  HeadGeometry g;
  g.scale = scale_;
  g.causal = options_.kind == AttentionKind::Causal;
  g.window = options_.window;
  g.key_length = key_length;
  if (c.bias.size() > 0) {
    g.bias = c.bias.row(head).data();
    g.min_delta = c.min_delta;
  }
  return g;
}

void MultiHeadAttention::forward(const AttentionInputs& in, Matrix& y, Saved* saved, Rng* rng) const {
  const ProfileScope profile_scope(OpClass::Attention);
  const bool cross = options_.kind == AttentionKind::Cross;
  TANDEM_CHECK(cross == (in.memory != nullptr && in.memory_shape != nullptr))
      << (cross ? "cross-attention needs encoder memory" : "self-attention takes no encoder memory");
  const Matrix& xq = in.queries;
  const SeqShape& qs = in.shape;
  const Matrix& xkv = cross ? *in.memory : xq;
  const SeqShape& kshape = cross ? *in.memory_shape : qs;
  const int batch = qs.batch, lq = qs.len, lk = kshape.len, dh = head_dim_;
  const int heads = options_.heads, group = heads / kv_heads_;

  Saved local;
  Saved& c = saved ? *saved : local;
  q_proj_.forward(xq, c.q);
  k_proj_.forward(xkv, c.k);
  v_proj_.forward(xkv, c.v);
  if (options_.rope) {
    rope_rotate(c.q, dh, [&](int r) { return r % lq; });
    rope_rotate(c.k, dh, [&](int r) { return r % lk; });
  }
  if (bias_) {
    c.min_delta = -(lq - 1);
    bias_->fill(c.min_delta, lk - 1, c.bias);
  } else {
    c.bias.resize(0, 0);
  }
  c.context.resize(qs.rows(), heads * dh);
  const bool drop = rng && options_.dropout > 0.f;
  c.tiled = use_tiled(lk, drop);
  if (c.tiled) {
    c.probs.clear();
    c.lse.resize(batch * heads, lq);
  } else {
    // Inference (nothing saved) needs no probabilities after each head is done.
    c.probs.assign(saved ? static_cast<size_t>(batch) * heads : 0, Matrix());
    c.lse.resize(0, 0);
  }
  if (drop) {
    // One stream for the whole call, indexed by position: independent of threads.
    const auto stream = rng->next();
    const float keep_scale = 1.f / (1.f - options_.dropout);
    c.drop_mask.resize(static_cast<Eigen::Index>(batch) * heads * lq, lk);
    float* m = c.drop_mask.data();
    for (Eigen::Index i = 0; i < c.drop_mask.size(); ++i)
      m[i] = stream.uniform(i) < options_.dropout ? 0.f : keep_scale;
    c.dropped.assign(c.probs.size(), Matrix());
  } else {
    c.drop_mask.resize(0, 0);
    c.dropped.clear();
  }

  parallel_for(batch * heads, [&](int bh) {
    const int b = bh / heads, h = bh % heads, g = h / group;
    const HeadGeometry geo = geometry(kshape.lengths[b], c, h);
    auto q = c.q.block(b * lq, h * dh, lq, dh);
    auto k = c.k.block(b * lk, g * dh, lk, dh);
    auto v = c.v.block(b * lk, g * dh, lk, dh);
    auto out = c.context.block(b * lq, h * dh, lq, dh);
    if (c.tiled) {
      attention_tiled_forward(q, k, v, geo, out, c.lse.row(bh).data());
      return;
    }
    Matrix scratch, scratch_dropped;
    Matrix& p = saved ? c.probs[bh] : scratch;
    attention_probs_plain(q, k, geo, p);
    const Matrix* used = &p;
    if (drop) {
      Matrix& dropped = saved ? c.dropped[bh] : scratch_dropped;
      dropped = p.cwiseProduct(c.drop_mask.block(static_cast<Eigen::Index>(bh) * lq, 0, lq, lk));
      used = &dropped;
    }
    gemm(*used, Trans::No, v, Trans::No, out);
  });
  out_proj_.forward(c.context, y);
  if (saved) {
    c.xq = xq;
    if (cross) c.xkv = *in.memory;
  }
}

void MultiHeadAttention::backward(const Matrix& dy, Saved& c, const SeqShape& qs,
                                  const SeqShape* ks, Matrix& dx, Matrix* dmemory) {
  const ProfileScope profile_scope(OpClass::Attention);
  const bool cross = options_.kind == AttentionKind::Cross;
  const SeqShape& kshape = cross ? *ks : qs;
  const Matrix& xkv = cross ? c.xkv : c.xq;
  const int batch = qs.batch, lq = qs.len, lk = kshape.len, dh = head_dim_;
  const int heads = options_.heads, group = heads / kv_heads_;
  const bool drop = c.drop_mask.size() > 0;
  const bool learned_bias = bias_ && bias_->learned();

  Matrix dcontext;
  out_proj_.backward(c.context, dy, &dcontext);
  Matrix dq(c.q.rows(), c.q.cols());
  Matrix dk = Matrix::Zero(c.k.rows(), c.k.cols()), dv = Matrix::Zero(c.v.rows(), c.v.cols());
  // Each task owns one (sentence, kv head): the query heads sharing those keys
  // accumulate into dk/dv serially, so no two threads write the same rows.
  const int tasks = batch * kv_heads_;
  std::vector<Matrix> dbias(learned_bias ? tasks : 0);

  parallel_for(tasks, [&](int task) {
    const int b = task / kv_heads_, g = task % kv_heads_;
    auto k = c.k.block(b * lk, g * dh, lk, dh);
    auto v = c.v.block(b * lk, g * dh, lk, dh);
    auto dk_g = dk.block(b * lk, g * dh, lk, dh);
    auto dv_g = dv.block(b * lk, g * dh, lk, dh);
    float* dbias_h = nullptr;
    if (learned_bias) dbias[task] = Matrix::Zero(c.bias.rows(), c.bias.cols());
    for (int h = g * group; h < (g + 1) * group; ++h) {
      const int bh = b * heads + h;
      const HeadGeometry geo = geometry(kshape.lengths[b], c, h);
      if (learned_bias) dbias_h = dbias[task].row(h).data();
      auto q = c.q.block(b * lq, h * dh, lq, dh);
      auto dout = dcontext.block(b * lq, h * dh, lq, dh);
      auto dq_h = dq.block(b * lq, h * dh, lq, dh);
      if (c.tiled) {
        attention_tiled_backward(q, k, v, c.context.block(b * lq, h * dh, lq, dh), dout,
                                 c.lse.row(bh).data(), geo, dq_h, dk_g, dv_g, dbias_h);
        continue;
      }
      const Matrix& p = c.probs[bh];
      gemm(drop ? c.dropped[bh] : p, Trans::Yes, dout, Trans::No, dv_g, 1.f, 1.f);
      Matrix ds(lq, lk);
      gemm(dout, Trans::No, v, Trans::Yes, ds);
      if (drop) ds.array() *= c.drop_mask.block(static_cast<Eigen::Index>(bh) * lq, 0, lq, lk).array();
      attention_probs_backward(p, ds, geo, dbias_h);
      gemm(ds, Trans::No, k, Trans::No, dq_h, geo.scale);
      gemm(ds, Trans::Yes, q, Trans::No, dk_g, geo.scale, 1.f);
    }
  });

  if (options_.rope) {  // back through the rotation: rotate the gradients back
    rope_rotate(dq, dh, [&](int r) { return r % lq; }, true);
    rope_rotate(dk, dh, [&](int r) { return r % lk; }, true);
  }
  if (learned_bias) {
    Matrix total = Matrix::Zero(c.bias.rows(), c.bias.cols());
    for (const Matrix& part : dbias) total += part;
    bias_->accumulate_grad(c.min_delta, total);
  }
  q_proj_.backward(c.xq, dq, &dx);
  Matrix dkx, dvx;
  k_proj_.backward(xkv, dk, &dkx);
  v_proj_.backward(xkv, dv, &dvx);
  if (cross) {
    *dmemory += dkx + dvx;
  } else {
    dx += dkx + dvx;
  }
}

namespace {

// One query row against n cached keys/values for every head: softmax over
// scale * q.k (+ slot_bias(h, s) when given), then the weighted values. kv head
// of head h: h / group. head_mean (optional, [n]) receives the probabilities
// averaged over heads.
void attend_row(const float* q_row, const Matrix& k, const Matrix& v, int n, int heads, int group,
                int dh, float scale, const Matrix* slot_bias, float* out_row, float* head_mean) {
  thread_local std::vector<float> buffer;  // reused across steps: no allocation per token
  if (buffer.size() < static_cast<size_t>(n)) buffer.resize(2 * n);
  Eigen::Map<Eigen::VectorXf> scores(buffer.data(), n);
  if (head_mean) Eigen::Map<Eigen::VectorXf>(head_mean, n).setZero();
  for (int h = 0; h < heads; ++h) {
    const int g = h / group;
    const Eigen::Map<const Eigen::VectorXf> q(q_row + h * dh, dh);
    scores.noalias() = k.block(0, g * dh, n, dh) * q * scale;
    if (slot_bias) scores += slot_bias->row(h).transpose();
    const float mx = scores.maxCoeff();
    scores = (scores.array() - mx).exp();
    scores /= scores.sum();
    Eigen::Map<Eigen::RowVectorXf> out(out_row + h * dh, dh);
    out.noalias() = scores.transpose() * v.block(0, g * dh, n, dh);
    if (head_mean) Eigen::Map<Eigen::VectorXf>(head_mean, n) += scores / static_cast<float>(heads);
  }
}

}  // namespace

void MultiHeadAttention::step_self(const Matrix& x, SelfKV& kv, int capacity, Matrix& y) const {
  const int rows = static_cast<int>(x.rows()), dh = head_dim_, t = kv.len;
  const int heads = options_.heads, group = heads / kv_heads_;
  Matrix q, k, v;
  q_proj_.forward(x, q);
  k_proj_.forward(x, k);
  v_proj_.forward(x, v);
  if (options_.rope) {
    rope_rotate(q, dh, [&](int) { return t; });
    rope_rotate(k, dh, [&](int) { return t; });
  }
  if (kv.k.size() != static_cast<size_t>(rows)) {
    TANDEM_CHECK(t == 0) << "attention cache has " << kv.k.size() << " rows, step has " << rows;
    kv.slots = options_.window > 0 ? std::min(capacity, options_.window) : capacity;
    const int first_chunk = std::min(kv.slots, kFirstCacheChunk);
    kv.k.assign(rows, Matrix(first_chunk, kv_heads_ * dh));
    kv.v.assign(rows, Matrix(first_chunk, kv_heads_ * dh));
  }
  const int slots = kv.slots;
  TANDEM_CHECK(options_.window > 0 || t < slots)
      << "decoder cache capacity " << slots << " exceeded";
  // A window keeps a ring of the last `slots` positions: slot s holds position
  // t - (t - s) mod slots (slot order does not matter to softmax; only the
  // bias needs positions). The bias per slot is the same for every row.
  const int n = std::min(t + 1, slots), slot = t % slots;
  Matrix slot_bias;
  if (bias_) {
    Matrix by_delta;  // deltas -(n-1) .. 0
    bias_->fill(-(n - 1), 0, by_delta);
    slot_bias.resize(heads, n);
    for (int s = 0; s < n; ++s) slot_bias.col(s) = by_delta.col(n - 1 - (t - s) % slots);
  }
  Matrix context(rows, heads * dh);
#pragma omp parallel for schedule(static) if (rows >= kMinParallelDecodeRows)
  for (int r = 0; r < rows; ++r) {
    if (kv.k[r].rows() <= slot) {  // the next chunk: double, up to the slots
      const Eigen::Index grown = std::min<Eigen::Index>(slots, std::max<Eigen::Index>(2 * kv.k[r].rows(), slot + 1));
      kv.k[r].conservativeResize(grown, Eigen::NoChange);
      kv.v[r].conservativeResize(grown, Eigen::NoChange);
    }
    kv.k[r].row(slot) = k.row(r);
    kv.v[r].row(slot) = v.row(r);
    attend_row(q.row(r).data(), kv.k[r], kv.v[r], n, heads, group, dh, scale_,
               bias_ ? &slot_bias : nullptr, context.row(r).data(), nullptr);
  }
  ++kv.len;
  out_proj_.forward(context, y);
}

void MultiHeadAttention::precompute_cross(const Matrix& memory, const SeqShape& src,
                                          CrossKV& kv) const {
  Matrix k, v;
  k_proj_.forward(memory, k);
  v_proj_.forward(memory, v);
  kv.k.resize(src.batch);
  kv.v.resize(src.batch);
  for (int b = 0; b < src.batch; ++b) {
    kv.k[b] = k.middleRows(b * src.len, src.lengths[b]);
    kv.v[b] = v.middleRows(b * src.len, src.lengths[b]);
  }
}

void MultiHeadAttention::step_cross(const Matrix& x, const CrossKV& kv,
                                    const std::vector<int>& row_sentence, Matrix& y,
                                    std::vector<Eigen::VectorXf>* weights) const {
  const int rows = static_cast<int>(x.rows()), heads = options_.heads;
  Matrix q;
  q_proj_.forward(x, q);
  Matrix context(rows, heads * head_dim_);
  if (weights) weights->resize(rows);
#pragma omp parallel for schedule(static) if (rows >= kMinParallelDecodeRows)
  for (int r = 0; r < rows; ++r) {
    const int s = row_sentence[r], n = static_cast<int>(kv.k[s].rows());
    float* mean = nullptr;
    if (weights) {
      (*weights)[r].resize(n);
      mean = (*weights)[r].data();
    }
    attend_row(q.row(r).data(), kv.k[s], kv.v[s], n, heads, heads / kv_heads_, head_dim_, scale_,
               nullptr, context.row(r).data(), mean);
  }
  out_proj_.forward(context, y);
}

void MultiHeadAttention::collect(const std::string& prefix, ParamList& out) {
  q_proj_.collect(join_name(prefix, "q_proj"), out);
  k_proj_.collect(join_name(prefix, "k_proj"), out);
  v_proj_.collect(join_name(prefix, "v_proj"), out);
  out_proj_.collect(join_name(prefix, "out_proj"), out);
}

}  // namespace tandem
