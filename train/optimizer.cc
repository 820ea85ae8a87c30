#include "train/optimizer.h"

#include <algorithm>
#include <cmath>

#include "core/profile.h"

namespace tandem {

double learning_rate(const ScheduleRecipe& s, double lr, long long step, long long total) {
  const double t = static_cast<double>(std::max(1LL, step));
  const double w = static_cast<double>(s.warmup);
  if (s.name == "inverse_sqrt") {
    if (w <= 0) return lr / std::sqrt(t);
    return lr * std::min(t / w, std::sqrt(w / t));
  }
  if (w > 0 && t < w) return lr * t / w;
  if (s.name == "linear" && total > 0) {
    const double rest = std::max(1.0, static_cast<double>(total) - w);
    return lr * std::max(0.0, 1.0 - (t - w) / rest);
  }
  return lr;
}

Adam::Adam(const ParamList& params, const OptimizerRecipe& recipe) : params_(params), recipe_(recipe) {
  for (const auto& p : params_) {
    m_.push_back(Matrix::Zero(p.param->value.rows(), p.param->value.cols()));
    v_.push_back(Matrix::Zero(p.param->value.rows(), p.param->value.cols()));
  }
}

void Adam::step(double lr) {
  const ProfileScope profile_scope(OpClass::Optimizer);
  ++step_;
  const double b1 = recipe_.beta1, b2 = recipe_.beta2;
  const double c1 = 1.0 - std::pow(b1, static_cast<double>(step_));
  const double c2 = 1.0 - std::pow(b2, static_cast<double>(step_));
  const float step_size = static_cast<float>(lr / c1);
  const float inv_sqrt_c2 = static_cast<float>(1.0 / std::sqrt(c2));
  const float eps = static_cast<float>(recipe_.eps);
  const bool decoupled = recipe_.name == "adamw";
  const float wd = static_cast<float>(recipe_.weight_decay);
  // Each tensor is cut into chunks so both threads work on the big embedding too.
  constexpr Eigen::Index kChunk = 1 << 15;
  struct Piece {
    size_t tensor;
    Eigen::Index start, size;
  };
  std::vector<Piece> pieces;
  for (size_t i = 0; i < params_.size(); ++i) {
    if (params_[i].param->frozen) continue;  // no step, no decay, moments stay zero
    const Eigen::Index n = params_[i].param->value.size();
    for (Eigen::Index s = 0; s < n; s += kChunk) pieces.push_back({i, s, std::min(kChunk, n - s)});
  }
#pragma omp parallel for schedule(static)
  for (size_t k = 0; k < pieces.size(); ++k) {
    const Piece& p = pieces[k];
    auto w = Eigen::Map<Eigen::ArrayXf>(params_[p.tensor].param->value.data() + p.start, p.size);
    auto g = Eigen::Map<Eigen::ArrayXf>(params_[p.tensor].param->grad.data() + p.start, p.size);
    auto m = Eigen::Map<Eigen::ArrayXf>(m_[p.tensor].data() + p.start, p.size);
    auto v = Eigen::Map<Eigen::ArrayXf>(v_[p.tensor].data() + p.start, p.size);
    if (!decoupled && wd > 0) g += wd * w;  // Adam: L2 added to the gradient
    m = static_cast<float>(b1) * m + static_cast<float>(1 - b1) * g;
    v = static_cast<float>(b2) * v + static_cast<float>(1 - b2) * g.square();
    if (decoupled && wd > 0) w -= static_cast<float>(lr) * wd * w;  // AdamW: decoupled decay
    w -= step_size * m / (v.sqrt() * inv_sqrt_c2 + eps);
  }
}

double gradient_norm(const ParamList& params) {
  const ProfileScope profile_scope(OpClass::Optimizer);
  double sum = 0;
  for (const auto& p : params)
    if (!p.param->frozen) sum += static_cast<double>(p.param->grad.squaredNorm());
  return std::sqrt(sum);
}

void scale_gradients(const ParamList& params, float factor) {
  const ProfileScope profile_scope(OpClass::Optimizer);
  for (const auto& p : params) p.param->grad *= factor;
}

}  // namespace tandem
