// layers/linear.h: y = x W^T + b, PyTorch layout (W is [out, in]).
// The caller keeps x (it usually has it anyway) and hands it back to backward.
#pragma once

#include "layers/param.h"

namespace tandem {

class Rng;

class Linear {
 public:
  Linear() = default;
  Linear(int in, int out, bool bias = true);

  void init(Rng& rng);                                   // uniform(+-1/sqrt(in)), bias 0
  void forward(const Matrix& x, Matrix& y) const;        // [n,in] -> [n,out]
  void backward(const Matrix& x, const Matrix& dy, Matrix* dx);  // grads +=; dx = (skipped if null)
  void collect(const std::string& prefix, ParamList& out);

  int in() const { return static_cast<int>(weight_.value.cols()); }
  int out() const { return static_cast<int>(weight_.value.rows()); }
  const Matrix& weight() const { return weight_.value; }

 private:
  Param weight_, bias_;
  bool has_bias_ = true;
};

}  // namespace tandem
