// layers/residual.h: the residual wrapper around every sublayer, in both norm
// placements (DESIGN.md §3 `norm`):
//   pre-norm:  y = x + dropout(f(LN(x)))
//   post-norm: y = LN(x + dropout(f(x)))
// The sublayer f is passed as a callable so that encoder and decoder layers
// share this one piece of plumbing; f keeps its own saved activations.
#pragma once

#include "layers/dropout.h"
#include "layers/layer_norm.h"

namespace tandem {

enum class NormPlacement { Pre, Post };

class Residual {
 public:
  struct Saved {
    LayerNorm::Saved ln;
    Matrix drop_mask;
  };

  Residual() = default;
  Residual(NormPlacement placement, NormType type, int d, float dropout)
      : placement_(placement), norm_(d, type), dropout_(dropout) {}

  // f(const Matrix& in, Matrix& out)
  template <typename F>
  void forward(const Matrix& x, Matrix& y, Saved* c, Rng* rng, F&& f) const {
    Matrix drop_mask;
    if (placement_ == NormPlacement::Pre) {
      Matrix normed;
      norm_.forward(x, normed, c ? &c->ln : nullptr);
      f(normed, y);
      dropout_add_forward(y, x, dropout_, rng, c ? c->drop_mask : drop_mask);
    } else {
      Matrix out;
      f(x, out);
      dropout_add_forward(out, x, dropout_, rng, c ? c->drop_mask : drop_mask);
      norm_.forward(out, y, c ? &c->ln : nullptr);
    }
  }

  // back(const Matrix& dout, Matrix& din): the sublayer's backward.
  template <typename B>
  void backward(const Matrix& dy, Saved& c, Matrix& dx, B&& back) {
    if (placement_ == NormPlacement::Pre) {
      Matrix dout, dnormed;
      dropout_backward_copy(dy, c.drop_mask, dout);
      back(dout, dnormed);
      norm_.backward(dnormed, c.ln, dx, &dy);  // dx = dy + the norm's gradient
    } else {
      Matrix dsum, din;
      norm_.backward(dy, c.ln, dsum);
      Matrix dout;
      dropout_backward_copy(dsum, c.drop_mask, dout);
      back(dout, din);
      dx = dsum + din;
    }
  }

  void collect(const std::string& name, ParamList& out) { norm_.collect(name, out); }

 private:
  NormPlacement placement_ = NormPlacement::Pre;
  LayerNorm norm_;
  float dropout_ = 0.f;
};

}  // namespace tandem
