// layers/layer_norm.h: per-row normalization with a learned scale.
//   layernorm: (x - mean) / sqrt(var + eps) * weight + bias (PyTorch LayerNorm);
//   rmsnorm:   x / sqrt(mean(x^2) + eps) * weight, no centering and no bias
//              (Zhang & Sennrich 2019; T5's layer norm).
#pragma once

#include "layers/param.h"

namespace tandem {

enum class NormType { LayerNorm, RmsNorm };

class LayerNorm {
 public:
  struct Saved {
    Matrix xhat;                 // [n,d] normalized input (before weight)
    Eigen::VectorXf rstd;        // [n]   1/sqrt(var+eps), or 1/sqrt(mean square+eps)
  };

  LayerNorm() = default;
  explicit LayerNorm(int d, NormType type = NormType::LayerNorm, float eps = 1e-5f);

  void forward(const Matrix& x, Matrix& y, Saved* saved) const;  // saved null when decoding
  // grads +=; dx = the input's gradient, plus *residual when given (a
  // pre-norm residual branch, added in the same pass: kernels/norm_backward.h).
  void backward(const Matrix& dy, const Saved& c, Matrix& dx, const Matrix* residual = nullptr);
  void collect(const std::string& prefix, ParamList& out);

 private:
  Param gamma_, beta_;
  NormType type_ = NormType::LayerNorm;
  float eps_ = 1e-5f;
};

}  // namespace tandem
