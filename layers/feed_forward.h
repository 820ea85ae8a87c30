// layers/feed_forward.h: position-wise y = fc2(act(fc1(x))), act = relu | gelu (erf form).
// fc1's bias is fused with the activation (kernels/activation.h), forward and
// backward.
#pragma once

#include "kernels/activation.h"
#include "layers/linear.h"

namespace tandem {

class FeedForward {
 public:
  struct Saved {
    Matrix x;       // [n, d]   input
    Matrix pre;     // [n, ffn] fc1 output before the activation
    Matrix hidden;  // [n, ffn] after the activation
  };

  FeedForward() = default;
  FeedForward(int d, int ffn_dim, Activation act);

  void init(Rng& rng);
  void forward(const Matrix& x, Matrix& y, Saved* saved) const;
  void backward(const Matrix& dy, Saved& c, Matrix& dx);
  void collect(const std::string& prefix, ParamList& out);

 private:
  Linear fc1_, fc2_;
  Activation act_ = Activation::Relu;
};

}  // namespace tandem
