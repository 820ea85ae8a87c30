#include "layers/attention.h"

#include <cmath>

#include "core/error.h"
#include "core/rng.h"
#include "kernels/gemm.h"
#include "kernels/softmax.h"

namespace tandem {

MultiHeadAttention::MultiHeadAttention(AttentionKind kind, int d, int heads,
                                       float attention_dropout)
    : kind_(kind),
      heads_(heads),
      head_dim_(d / heads),
      dropout_(attention_dropout),
      q_proj_(d, d),
      k_proj_(d, d),
      v_proj_(d, d),
      out_proj_(d, d) {
  TANDEM_CHECK(heads > 0 && d % heads == 0) << "d_model " << d << " is not divisible by heads "
                                            << heads;
}

void MultiHeadAttention::init(Rng& rng) {
  q_proj_.init(rng);
  k_proj_.init(rng);
  v_proj_.init(rng);
  out_proj_.init(rng);
}

void MultiHeadAttention::forward(const Matrix& xq, const SeqShape& qs, const Matrix* memory,
                                 const SeqShape* ks, Matrix& y, Cache* cache, Rng* rng) const {
  const bool cross = kind_ == AttentionKind::Cross;
  TANDEM_CHECK(!cross || (memory && ks)) << "cross-attention needs encoder memory";
  const Matrix& xkv = cross ? *memory : xq;
  const SeqShape& kshape = cross ? *ks : qs;
  const int batch = qs.batch, lq = qs.len, lk = kshape.len, dh = head_dim_;
  const float scale = 1.f / std::sqrt(static_cast<float>(dh));

  Cache local;
  Cache& c = cache ? *cache : local;
  q_proj_.forward(xq, c.q);
  k_proj_.forward(xkv, c.k);
  v_proj_.forward(xkv, c.v);
  c.context.resize(qs.rows(), heads_ * dh);
  c.probs.assign(static_cast<size_t>(batch) * heads_, Matrix());
  const bool drop = rng && dropout_ > 0.f;
  if (drop) {
    // One stream for the whole call, indexed by position: independent of threads.
    const auto stream = rng->next();
    const float keep_scale = 1.f / (1.f - dropout_);
    c.drop_mask.resize(static_cast<Eigen::Index>(batch) * heads_ * lq, lk);
    float* m = c.drop_mask.data();
    for (Eigen::Index i = 0; i < c.drop_mask.size(); ++i)
      m[i] = stream.uniform(i) < dropout_ ? 0.f : keep_scale;
    c.dropped.assign(c.probs.size(), Matrix());
  } else {
    c.drop_mask.resize(0, 0);
    c.dropped.clear();
  }

#pragma omp parallel for schedule(static)
  for (int bh = 0; bh < batch * heads_; ++bh) {
    const int b = bh / heads_, h = bh % heads_;
    const int klen = kshape.lengths[b];
    auto q = c.q.block(b * lq, h * dh, lq, dh);
    auto k = c.k.block(b * lk, h * dh, lk, dh);
    auto v = c.v.block(b * lk, h * dh, lk, dh);
    Matrix& p = c.probs[bh];
    p.resize(lq, lk);
    gemm(q, Trans::No, k, Trans::Yes, p, scale);
    softmax_rows(p, [&](int i) { return valid_keys(i, klen); });
    const Matrix* used = &p;
    if (drop) {
      c.dropped[bh] = p.cwiseProduct(c.drop_mask.block(static_cast<Eigen::Index>(bh) * lq, 0, lq, lk));
      used = &c.dropped[bh];
    }
    gemm(*used, Trans::No, v, Trans::No, c.context.block(b * lq, h * dh, lq, dh));
  }
  out_proj_.forward(c.context, y);
  if (cache) {
    c.xq = xq;
    if (cross) c.xkv = *memory;
  }
}

void MultiHeadAttention::backward(const Matrix& dy, Cache& c, const SeqShape& qs,
                                  const SeqShape* ks, Matrix& dx, Matrix* dmemory) {
  const bool cross = kind_ == AttentionKind::Cross;
  const SeqShape& kshape = cross ? *ks : qs;
  const Matrix& xkv = cross ? c.xkv : c.xq;
  const int batch = qs.batch, lq = qs.len, lk = kshape.len, dh = head_dim_;
  const float scale = 1.f / std::sqrt(static_cast<float>(dh));
  const bool drop = c.drop_mask.size() > 0;

  Matrix dcontext;
  out_proj_.backward(c.context, dy, &dcontext);
  Matrix dq(c.q.rows(), c.q.cols()), dk(c.k.rows(), c.k.cols()), dv(c.v.rows(), c.v.cols());

#pragma omp parallel for schedule(static)
  for (int bh = 0; bh < batch * heads_; ++bh) {
    const int b = bh / heads_, h = bh % heads_;
    auto q = c.q.block(b * lq, h * dh, lq, dh);
    auto k = c.k.block(b * lk, h * dh, lk, dh);
    auto v = c.v.block(b * lk, h * dh, lk, dh);
    auto dout = dcontext.block(b * lq, h * dh, lq, dh);
    const Matrix& p = c.probs[bh];
    const Matrix& used = drop ? c.dropped[bh] : p;
    gemm(used, Trans::Yes, dout, Trans::No, dv.block(b * lk, h * dh, lk, dh));
    Matrix dp(lq, lk);
    gemm(dout, Trans::No, v, Trans::Yes, dp);
    if (drop) dp.array() *= c.drop_mask.block(static_cast<Eigen::Index>(bh) * lq, 0, lq, lk).array();
    // softmax backward: ds = p * (dp - sum_j dp_j p_j), then the 1/sqrt(dh) scale.
    const Eigen::VectorXf row_dot = (dp.array() * p.array()).rowwise().sum();
    Matrix ds = (p.array() * (dp.array().colwise() - row_dot.array())) * scale;
    gemm(ds, Trans::No, k, Trans::No, dq.block(b * lq, h * dh, lq, dh));
    gemm(ds, Trans::Yes, q, Trans::No, dk.block(b * lk, h * dh, lk, dh));
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

// One query row against keys/values [n, d] for every head: out = softmax(q k^T * scale) v.
void attend_one(const float* q_row, const Matrix& k, const Matrix& v, int n, int heads, int dh,
                float scale, float* out_row) {
  Eigen::VectorXf scores(n);
  for (int h = 0; h < heads; ++h) {
    const Eigen::Map<const Eigen::VectorXf> q(q_row + h * dh, dh);
    scores.noalias() = k.block(0, h * dh, n, dh) * q * scale;
    const float mx = scores.maxCoeff();
    scores = (scores.array() - mx).exp();
    scores /= scores.sum();
    Eigen::Map<Eigen::RowVectorXf> out(out_row + h * dh, dh);
    out.noalias() = scores.transpose() * v.block(0, h * dh, n, dh);
  }
}

}  // namespace

void MultiHeadAttention::step_self(const Matrix& x, SelfKV& kv, int capacity, Matrix& y) const {
  const int rows = static_cast<int>(x.rows()), d = heads_ * head_dim_, t = kv.len;
  Matrix q, k, v;
  q_proj_.forward(x, q);
  k_proj_.forward(x, k);
  v_proj_.forward(x, v);
  if (kv.k.size() != static_cast<size_t>(rows)) {
    TANDEM_CHECK(t == 0) << "attention cache has " << kv.k.size() << " rows, step has " << rows;
    kv.k.assign(rows, Matrix(capacity, d));
    kv.v.assign(rows, Matrix(capacity, d));
  }
  TANDEM_CHECK(t < kv.k[0].rows()) << "decoder cache capacity " << kv.k[0].rows() << " exceeded";
  Matrix context(rows, d);
  const float scale = 1.f / std::sqrt(static_cast<float>(head_dim_));
#pragma omp parallel for schedule(static)
  for (int r = 0; r < rows; ++r) {
    kv.k[r].row(t) = k.row(r);
    kv.v[r].row(t) = v.row(r);
    attend_one(q.row(r).data(), kv.k[r], kv.v[r], t + 1, heads_, head_dim_, scale,
               context.row(r).data());
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
                                    const std::vector<int>& row_sentence, Matrix& y) const {
  const int rows = static_cast<int>(x.rows());
  Matrix q;
  q_proj_.forward(x, q);
  Matrix context(rows, heads_ * head_dim_);
  const float scale = 1.f / std::sqrt(static_cast<float>(head_dim_));
#pragma omp parallel for schedule(static)
  for (int r = 0; r < rows; ++r) {
    const int s = row_sentence[r];
    attend_one(q.row(r).data(), kv.k[s], kv.v[s], static_cast<int>(kv.k[s].rows()), heads_,
               head_dim_, scale, context.row(r).data());
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
