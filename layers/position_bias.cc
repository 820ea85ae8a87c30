#include "layers/position_bias.h"

#include <cmath>
#include <cstdlib>

#include "core/error.h"
#include "core/rng.h"

namespace tandem {

std::vector<float> alibi_slopes(int heads) {
  auto power_of_two_slopes = [](int n) {
    std::vector<float> s(n);
    const double start = std::pow(2.0, -8.0 / n);
    for (int i = 0; i < n; ++i) s[i] = static_cast<float>(std::pow(start, i + 1));
    return s;
  };
  int lower = 1;
  while (lower * 2 <= heads) lower *= 2;
  std::vector<float> slopes = power_of_two_slopes(lower);
  if (lower < heads) {
    const std::vector<float> finer = power_of_two_slopes(2 * lower);
    for (int i = 0; static_cast<int>(slopes.size()) < heads; i += 2) slopes.push_back(finer[i]);
  }
  return slopes;
}

int relative_bucket(int delta, bool bidirectional, int buckets, int max_distance) {
  int bucket = 0;
  int n = buckets;
  if (bidirectional) {
    n /= 2;
    if (delta > 0) bucket += n;
    delta = std::abs(delta);
  } else {
    delta = std::max(-delta, 0);  // only the past (delta <= 0) is distinguished
  }
  const int exact = n / 2;
  if (delta < exact) return bucket + delta;
  const double log_ratio = std::log(static_cast<double>(delta) / exact) /
                           std::log(static_cast<double>(max_distance) / exact);
  const int large = exact + static_cast<int>(log_ratio * (n - exact));
  return bucket + std::min(large, n - 1);
}

PositionBias::PositionBias(PositionBiasKind kind, int heads, bool bidirectional, int buckets,
                           int max_distance)
    : kind_(kind),
      heads_(heads),
      bidirectional_(bidirectional),
      buckets_(buckets),
      max_distance_(max_distance) {
  if (kind_ == PositionBiasKind::Alibi) {
    slopes_ = alibi_slopes(heads);
  } else {
    TANDEM_CHECK(buckets >= 2 && max_distance > buckets / 2)
        << "relative position bias needs buckets >= 2 and max_distance > buckets/2, got "
        << buckets << " and " << max_distance;
    table_.resize(buckets, heads);
  }
}

void PositionBias::init(Rng& rng) {
  if (kind_ != PositionBiasKind::Relative) return;
  const auto s = rng.next();
  for (Eigen::Index i = 0; i < table_.value.size(); ++i) table_.value.data()[i] = s.normal(i) * 0.1f;
}

void PositionBias::fill(int min_delta, int max_delta, Matrix& out) const {
  const int n = max_delta - min_delta + 1;
  out.resize(heads_, n);
  for (int i = 0; i < n; ++i) {
    const int delta = min_delta + i;
    if (kind_ == PositionBiasKind::Alibi) {
      for (int h = 0; h < heads_; ++h) out(h, i) = -slopes_[h] * std::abs(delta);
    } else {
      const int b = relative_bucket(delta, bidirectional_, buckets_, max_distance_);
      for (int h = 0; h < heads_; ++h) out(h, i) = table_.value(b, h);
    }
  }
}

void PositionBias::accumulate_grad(int min_delta, const Matrix& dbias) {
  if (kind_ != PositionBiasKind::Relative) return;
  for (Eigen::Index i = 0; i < dbias.cols(); ++i) {
    const int b = relative_bucket(min_delta + static_cast<int>(i), bidirectional_, buckets_,
                                  max_distance_);
    table_.gradient().row(b) += dbias.col(i).transpose();
  }
}

void PositionBias::collect(const std::string& prefix, ParamList& out) {
  if (kind_ == PositionBiasKind::Relative)
    out.push_back({join_name(prefix, "relative_attention_bias/weight"), &table_});
}

}  // namespace tandem
