#include "layers/feed_forward.h"

#include <cmath>

namespace tandem {
namespace {

constexpr float kInvSqrt2 = 0.70710678118654752f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;

void activate(Activation act, const Matrix& pre, Matrix& out) {
  if (act == Activation::Relu) {
    out = pre.cwiseMax(0.f);
  } else {
    out = pre.unaryExpr([](float v) { return 0.5f * v * (1.f + std::erf(v * kInvSqrt2)); });
  }
}

// d act / d pre, multiplied into grad in place.
void activate_backward(Activation act, const Matrix& pre, Matrix& grad) {
  if (act == Activation::Relu) {
    grad = (pre.array() > 0.f).select(grad, 0.f);
  } else {
    grad.array() *= pre.unaryExpr([](float v) {
                         const float cdf = 0.5f * (1.f + std::erf(v * kInvSqrt2));
                         return cdf + v * kInvSqrt2Pi * std::exp(-0.5f * v * v);
                       }).array();
  }
}

}  // namespace

FeedForward::FeedForward(int d, int ffn_dim, Activation act)
    : fc1_(d, ffn_dim), fc2_(ffn_dim, d), act_(act) {}

void FeedForward::init(Rng& rng) {
  fc1_.init(rng);
  fc2_.init(rng);
}

void FeedForward::forward(const Matrix& x, Matrix& y, Cache* cache) const {
  Matrix pre, hidden;
  fc1_.forward(x, pre);
  activate(act_, pre, hidden);
  fc2_.forward(hidden, y);
  if (cache) {
    cache->x = x;
    cache->pre = std::move(pre);
    cache->hidden = std::move(hidden);
  }
}

void FeedForward::backward(const Matrix& dy, Cache& c, Matrix& dx) {
  Matrix dhidden;
  fc2_.backward(c.hidden, dy, &dhidden);
  activate_backward(act_, c.pre, dhidden);
  fc1_.backward(c.x, dhidden, &dx);
}

void FeedForward::collect(const std::string& prefix, ParamList& out) {
  fc1_.collect(join_name(prefix, "fc1"), out);
  fc2_.collect(join_name(prefix, "fc2"), out);
}

}  // namespace tandem
