// layers/linear.h: y = x W^T + b, PyTorch layout (W is [out, in]).
// Training multiplies through `gemm` (kernels/gemm.h); a decoding model whose
// weight was packed (Param::packed: float32, bf16 or int8, kernels/
// packed_weight.h) multiplies through the packed copy, bias included.
// The caller keeps x (it usually has it anyway) and hands it back to backward.
#pragma once

#include "layers/param.h"

namespace tandem {

class Rng;

class Linear {
 public:
  Linear() = default;
  Linear(int in, int out, bool bias = true);

  void init(Rng& rng);                                   // Xavier-uniform, bias 0
  void forward(const Matrix& x, Matrix& y) const;        // [n,in] -> [n,out]
  void backward(const Matrix& x, const Matrix& dy, Matrix* dx);  // grads +=; dx = (skipped if null)
  // The same split for a caller that fuses the bias into its next pass:
  // y = x W^T, returning the bias still to add (null when there is none, or
  // when the packed decoding product has added it already) ...
  const float* forward_deferring_bias(const Matrix& x, Matrix& y) const;
  // ... and the backward whose caller has added the bias gradient itself
  // (into bias_gradient(): null when there is no bias).
  void backward_without_bias(const Matrix& x, const Matrix& dy, Matrix* dx);
  float* bias_gradient() { return has_bias_ ? bias_.gradient().data() : nullptr; }
  void collect(const std::string& prefix, ParamList& out);

  int in() const { return static_cast<int>(weight_.value.cols()); }
  int out() const { return static_cast<int>(weight_.value.rows()); }
  const Matrix& weight() const { return weight_.value; }

 private:
  Param weight_, bias_;
  bool has_bias_ = true;
};

}  // namespace tandem
