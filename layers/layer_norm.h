// layers/layer_norm.h: per-row normalize, then scale and shift (PyTorch LayerNorm).
#pragma once

#include "layers/param.h"

namespace tandem {

class LayerNorm {
 public:
  struct Cache {
    Matrix xhat;                 // [n,d] normalized input
    Eigen::VectorXf rstd;        // [n]   1/sqrt(var+eps)
  };

  LayerNorm() = default;
  explicit LayerNorm(int d, float eps = 1e-5f);

  void forward(const Matrix& x, Matrix& y, Cache* cache) const;  // cache null when decoding
  void backward(const Matrix& dy, const Cache& c, Matrix& dx);   // grads +=
  void collect(const std::string& prefix, ParamList& out);

 private:
  Param gamma_, beta_;
  float eps_ = 1e-5f;
};

}  // namespace tandem
