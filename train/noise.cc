#include "train/noise.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.h"

namespace tandem {
namespace {

// Successive draws of one stream: element i of the stream, i = 0, 1, 2, ...
class Draws {
 public:
  explicit Draws(const Rng::Stream& s) : stream_(s) {}
  double uniform() { return stream_.uniform(next_++); }
  // Uniform integer in [0, n).
  size_t below(size_t n) { return std::min(n - 1, static_cast<size_t>(uniform() * static_cast<double>(n))); }

 private:
  Rng::Stream stream_;
  uint64_t next_ = 0;
};

template <typename T>
void shuffle(std::vector<T>& v, Draws& d) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[d.below(i)]);
}

// `total` split into `parts` positive lengths at random (parts <= total).
std::vector<int> random_partition(int total, int parts, Draws& d) {
  std::vector<char> cut(static_cast<size_t>(total - 1), 0);
  std::fill(cut.begin(), cut.begin() + (parts - 1), 1);
  shuffle(cut, d);
  std::vector<int> lengths;
  int length = 1;
  for (char c : cut) {
    if (c) {
      lengths.push_back(length);
      length = 0;
    }
    ++length;
  }
  lengths.push_back(length);
  return lengths;
}

}  // namespace

int poisson_from_uniform(double lambda, double u) {
  TANDEM_CHECK(lambda > 0 && std::isfinite(lambda)) << "poisson lambda must be > 0, got " << lambda;
  double p = std::exp(-lambda), cdf = p;
  int k = 0;
  while (u >= cdf && k < 1000) {
    ++k;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

NoisedPair text_infilling(const Ids& tokens, int mask, double ratio, double lambda,
                          const Rng::Stream& stream) {
  Draws d(stream);
  const int n = static_cast<int>(tokens.size());
  NoisedPair out;
  out.target = tokens;
  const int to_mask = std::min(n, static_cast<int>(std::ceil(n * ratio)));
  // Span lengths until they cover to_mask tokens (the last one trimmed); a
  // length 0 is a mask inserted without removing anything. Bounded: at most n
  // spans of either kind.
  std::vector<int> spans;
  int covered = 0, insertions = 0;
  while (covered < to_mask && static_cast<int>(spans.size()) + insertions < n) {
    const int length = std::min(poisson_from_uniform(lambda, d.uniform()), to_mask - covered);
    if (length == 0) {
      ++insertions;
    } else {
      spans.push_back(length);
      covered += length;
    }
  }
  // The kept tokens leave kept + 1 gaps; each span goes into its own gap (so
  // spans never overlap and exactly `covered` tokens are masked), each
  // insertion into any gap.
  const int kept = n - covered;
  while (static_cast<int>(spans.size()) > kept + 1) {  // only when nearly all is masked
    spans[spans.size() - 2] += spans.back();
    spans.pop_back();
  }
  std::vector<int> gaps(static_cast<size_t>(kept + 1));
  std::iota(gaps.begin(), gaps.end(), 0);
  shuffle(gaps, d);
  std::vector<int> span_at(static_cast<size_t>(kept + 1), 0), inserts_at(static_cast<size_t>(kept + 1), 0);
  for (size_t s = 0; s < spans.size(); ++s) span_at[gaps[s]] = spans[s];
  for (int k = 0; k < insertions; ++k) ++inserts_at[d.below(static_cast<size_t>(kept + 1))];
  int i = 0;
  for (int g = 0; g <= kept; ++g) {
    for (int k = 0; k < inserts_at[g]; ++k) out.source.push_back(mask);
    if (span_at[g] > 0) {
      out.source.push_back(mask);  // the whole span becomes one mask
      i += span_at[g];
    }
    if (g < kept) out.source.push_back(tokens[i++]);
  }
  return out;
}

Ids permute_sentences(const Ids& tokens, const std::vector<int>& sentence_ends,
                      const Rng::Stream& stream) {
  Draws d(stream);
  std::vector<Ids> sentences(1);
  for (int t : tokens) {
    sentences.back().push_back(t);
    if (std::find(sentence_ends.begin(), sentence_ends.end(), t) != sentence_ends.end())
      sentences.emplace_back();
  }
  if (sentences.back().empty()) sentences.pop_back();
  shuffle(sentences, d);
  Ids out;
  for (const auto& s : sentences) out.insert(out.end(), s.begin(), s.end());
  return out;
}

NoisedPair span_corruption(const Ids& tokens, const std::vector<int>& sentinels, double ratio,
                           double mean_span, const Rng::Stream& stream) {
  TANDEM_CHECK(!sentinels.empty()) << "span corruption needs sentinel tokens";
  TANDEM_CHECK(mean_span >= 1) << "span corruption: mean span length must be >= 1, got " << mean_span;
  Draws d(stream);
  const int n = static_cast<int>(tokens.size());
  NoisedPair out;
  if (n < 2) {
    out.source = tokens;
    return out;
  }
  const int noise = std::clamp(static_cast<int>(std::lround(n * ratio)), 1, n - 1);
  const int spans = std::max(1, std::min({static_cast<int>(std::lround(noise / mean_span)), noise, n - noise,
                                          static_cast<int>(sentinels.size())}));
  const std::vector<int> noise_lengths = random_partition(noise, spans, d);
  const std::vector<int> keep_lengths = random_partition(n - noise, spans, d);
  // Kept text first, then a span, alternately (T5's layout).
  int i = 0;
  for (int s = 0; s < spans; ++s) {
    for (int k = 0; k < keep_lengths[s]; ++k) out.source.push_back(tokens[i++]);
    out.source.push_back(sentinels[s]);
    out.target.push_back(sentinels[s]);
    for (int k = 0; k < noise_lengths[s]; ++k) out.target.push_back(tokens[i++]);
  }
  return out;
}

}  // namespace tandem
