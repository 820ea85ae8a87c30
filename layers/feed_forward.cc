#include "layers/feed_forward.h"

namespace tandem {

FeedForward::FeedForward(int d, int ffn_dim, Activation act)
    : fc1_(d, ffn_dim), fc2_(ffn_dim, d), act_(act) {}

void FeedForward::init(Rng& rng) {
  fc1_.init(rng);
  fc2_.init(rng);
}

void FeedForward::forward(const Matrix& x, Matrix& y, Saved* saved) const {
  Matrix pre;
  const float* bias = fc1_.forward_deferring_bias(x, pre);
  Matrix hidden(pre.rows(), pre.cols());
  bias_activation(pre, bias, act_, hidden);
  fc2_.forward(hidden, y);
  if (saved) {
    saved->x = x;
    saved->pre = std::move(pre);
    saved->hidden = std::move(hidden);
  }
}

void FeedForward::backward(const Matrix& dy, Saved& c, Matrix& dx) {
  Matrix dhidden;
  fc2_.backward(c.hidden, dy, &dhidden);
  activation_bias_backward(c.pre, dhidden, act_, fc1_.bias_gradient());
  fc1_.backward_without_bias(c.x, dhidden, &dx);
}

void FeedForward::collect(const std::string& prefix, ParamList& out) {
  fc1_.collect(join_name(prefix, "fc1"), out);
  fc2_.collect(join_name(prefix, "fc2"), out);
}

}  // namespace tandem
