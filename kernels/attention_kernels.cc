#include "kernels/attention_kernels.h"

#include <cmath>
#include <limits>

namespace tandem {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Logits of query rows [i0, i0+s.rows()) against keys [j0, j0+s.cols()):
// scale * q k^T + bias, masked entries -inf.
void block_logits(ConstBlockRef q, ConstBlockRef k, const HeadGeometry& g, int i0, int j0,
                  Matrix& s) {
  gemm(q.middleRows(i0, s.rows()), Trans::No, k.middleRows(j0, s.cols()), Trans::Yes, s, g.scale);
  for (Eigen::Index r = 0; r < s.rows(); ++r) {
    const int i = i0 + static_cast<int>(r);
    const KeyRange kr = g.keys(i);
    for (Eigen::Index c = 0; c < s.cols(); ++c) {
      const int j = j0 + static_cast<int>(c);
      s(r, c) = (j < kr.lo || j >= kr.hi) ? kNegInf : s(r, c) + g.bias_at(i, j);
    }
  }
}

// Keys any row of [i0, i1) may see (ranges grow with the query position).
KeyRange tile_keys(const HeadGeometry& g, int i0, int i1) {
  return {g.keys(i0).lo, g.keys(i1 - 1).hi};
}

}  // namespace

void attention_probs_plain(ConstBlockRef q, ConstBlockRef k, const HeadGeometry& g,
                           Matrix& probs) {
  const int lq = static_cast<int>(q.rows()), lk = static_cast<int>(k.rows());
  probs.resize(lq, lk);
  gemm(q, Trans::No, k, Trans::Yes, probs, g.scale);
  if (g.bias)
    for (int i = 0; i < lq; ++i)
      for (int j = 0; j < lk; ++j) probs(i, j) += g.bias_at(i, j);
  softmax_rows(probs, [&](int i) { return g.keys(i); });
}

void attention_probs_backward(const Matrix& p, Matrix& d, const HeadGeometry& g, float* dbias) {
  // ds = p * (dp - sum_j dp_j p_j), then the bias gradient per delta.
  const Eigen::VectorXf row_dot = (d.array() * p.array()).rowwise().sum();
  d = p.array() * (d.array().colwise() - row_dot.array());
  if (dbias)
    for (Eigen::Index i = 0; i < d.rows(); ++i)
      for (Eigen::Index j = 0; j < d.cols(); ++j)
        dbias[j - (g.query_offset + i) - g.min_delta] += d(i, j);
}

void attention_tiled_forward(ConstBlockRef q, ConstBlockRef k, ConstBlockRef v,
                             const HeadGeometry& g, BlockRef out, float* lse) {
  const int lq = static_cast<int>(q.rows()), dh = static_cast<int>(v.cols());
  Matrix s, acc(kTile, dh);
  Eigen::VectorXf m(kTile), l(kTile);
  for (int i0 = 0; i0 < lq; i0 += kTile) {
    const int bq = std::min(kTile, lq - i0);
    m.setConstant(kNegInf);
    l.setZero();
    acc.topRows(bq).setZero();
    const KeyRange keys = tile_keys(g, i0, i0 + bq);
    for (int j0 = keys.lo; j0 < keys.hi; j0 += kTile) {
      const int bk = std::min(kTile, keys.hi - j0);
      s.resize(bq, bk);
      block_logits(q, k, g, i0, j0, s);
      for (int r = 0; r < bq; ++r) {
        const float block_max = s.row(r).maxCoeff();
        if (block_max == kNegInf) {  // no visible key for this row in this block
          s.row(r).setZero();
          continue;
        }
        const float m_new = std::max(m(r), block_max);
        const float correction = std::exp(m(r) - m_new);  // exp(-inf) = 0 on the first block
        s.row(r) = (s.row(r).array() - m_new).exp().matrix();
        l(r) = l(r) * correction + s.row(r).sum();
        acc.row(r) *= correction;
        m(r) = m_new;
      }
      gemm(s, Trans::No, v.middleRows(j0, bk), Trans::No, acc.topRows(bq), 1.f, 1.f);
    }
    for (int r = 0; r < bq; ++r) {
      out.row(i0 + r) = acc.row(r) / l(r);
      lse[i0 + r] = m(r) + std::log(l(r));
    }
  }
}

void attention_tiled_backward(ConstBlockRef q, ConstBlockRef k, ConstBlockRef v,
                              ConstBlockRef out, ConstBlockRef dout, const float* lse,
                              const HeadGeometry& g, BlockRef dq, BlockRef dk, BlockRef dv,
                              float* dbias) {
  const int lq = static_cast<int>(q.rows());
  Matrix p, dp;
  Eigen::VectorXf row_dot(kTile);
  for (int i0 = 0; i0 < lq; i0 += kTile) {
    const int bq = std::min(kTile, lq - i0);
    for (int r = 0; r < bq; ++r) row_dot(r) = out.row(i0 + r).dot(dout.row(i0 + r));
    dq.middleRows(i0, bq).setZero();
    const KeyRange keys = tile_keys(g, i0, i0 + bq);
    for (int j0 = keys.lo; j0 < keys.hi; j0 += kTile) {
      const int bk = std::min(kTile, keys.hi - j0);
      p.resize(bq, bk);
      block_logits(q, k, g, i0, j0, p);
      for (int r = 0; r < bq; ++r) p.row(r) = (p.row(r).array() - lse[i0 + r]).exp().matrix();
      auto dout_t = dout.middleRows(i0, bq);
      gemm(p, Trans::Yes, dout_t, Trans::No, dv.middleRows(j0, bk), 1.f, 1.f);
      dp.resize(bq, bk);
      gemm(dout_t, Trans::No, v.middleRows(j0, bk), Trans::Yes, dp);
      // dp becomes the logit gradient: p * (dp - rowdot(dout, out)).
      dp = p.array() * (dp.array().colwise() - row_dot.head(bq).array());
      if (dbias)
        for (int r = 0; r < bq; ++r)
          for (int c = 0; c < bk; ++c) dbias[j0 + c - (g.query_offset + i0 + r) - g.min_delta] += dp(r, c);
      gemm(dp, Trans::No, k.middleRows(j0, bk), Trans::No, dq.middleRows(i0, bq), g.scale, 1.f);
      gemm(dp, Trans::Yes, q.middleRows(i0, bq), Trans::No, dk.middleRows(j0, bk), g.scale, 1.f);
    }
  }
}

}  // namespace tandem
