#include "metrics/rouge.h"

#include <cstdint>
#include <map>
#include <string_view>
#include <unordered_map>

namespace tandem {
namespace {

double f1(double overlap, double hyp_count, double ref_count) {
  if (hyp_count == 0 || ref_count == 0) return 0.0;
  const double p = overlap / hyp_count, r = overlap / ref_count;
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

}  // namespace

std::vector<std::string> rouge_tokenize(const std::string& text) {
  std::vector<std::string> tokens;
  std::string current;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      current += c;
    } else if (!current.empty()) {
      tokens.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

double rouge_n_f1(const std::vector<std::string>& hyp, const std::vector<std::string>& ref, int n) {
  auto grams = [n](const std::vector<std::string>& t) {
    std::map<std::vector<std::string>, int> g;
    for (size_t i = 0; i + n <= t.size(); ++i) ++g[std::vector<std::string>(t.begin() + i, t.begin() + i + n)];
    return g;
  };
  const auto h = grams(hyp), r = grams(ref);
  double overlap = 0, hyp_count = 0, ref_count = 0;
  for (const auto& [g, c] : h) {
    hyp_count += c;
    const auto it = r.find(g);
    if (it != r.end()) overlap += std::min(c, it->second);
  }
  for (const auto& [g, c] : r) ref_count += c;
  return f1(overlap, hyp_count, ref_count);
}

size_t lcs_length_ref(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<size_t> prev(b.size() + 1, 0), row(b.size() + 1, 0);
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j)
      row[j] = a[i - 1] == b[j - 1] ? prev[j - 1] + 1 : std::max(prev[j], row[j - 1]);
    std::swap(prev, row);
  }
  return prev[b.size()];
}

// Bit-parallel LCS (Allison & Dix; Hyyro's form): one bit per word of `b`, a
// row of the DP table advances 64 columns per machine word, so two 10^5-word
// lines take ~1.6 * 10^8 word operations instead of 10^10 cell updates, in
// O(|b|) memory. A zero bit of V marks a column where the LCS grew.
size_t lcs_length(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return 0;
  const size_t words = (b.size() + 63) / 64;
  std::unordered_map<std::string_view, std::vector<uint64_t>> match;  // word -> columns where it occurs
  for (size_t j = 0; j < b.size(); ++j) {
    auto& mask = match[b[j]];
    if (mask.empty()) mask.assign(words, 0);
    mask[j / 64] |= uint64_t{1} << (j % 64);
  }
  std::vector<uint64_t> v(words, ~uint64_t{0});
  for (const auto& token : a) {
    const auto it = match.find(token);
    if (it == match.end()) continue;  // U = 0: V + 0 | V - 0 = V
    const auto& m = it->second;
    uint64_t carry = 0;
    for (size_t k = 0; k < words; ++k) {  // V = (V + (V & M)) | (V & ~M)
      const uint64_t u = v[k] & m[k];
      const uint64_t sum = v[k] + u + carry;  // the addition carries across words
      carry = (sum < v[k] || (carry && sum == v[k])) ? 1 : 0;
      v[k] = sum | (v[k] & ~m[k]);
    }
  }
  size_t zeros = 0;
  for (size_t k = 0; k < words; ++k) {
    uint64_t bits = ~v[k];
    if (k + 1 == words && b.size() % 64 != 0) bits &= (uint64_t{1} << (b.size() % 64)) - 1;
    zeros += static_cast<size_t>(__builtin_popcountll(bits));
  }
  return zeros;
}

double rouge_l_f1(const std::vector<std::string>& hyp, const std::vector<std::string>& ref) {
  return f1(static_cast<double>(lcs_length(hyp, ref)), static_cast<double>(hyp.size()),
            static_cast<double>(ref.size()));
}

std::vector<MetricScore> corpus_rouge(const std::vector<std::string>& hyps,
                                      const std::vector<std::string>& refs) {
  return corpus_rouge(hyps, References::single(refs));
}

namespace {

// ROUGE-1, -2 and -L F1 of one pair, or their sums.
struct RougeF1 {
  double r1 = 0, r2 = 0, rl = 0;
  void add(const RougeF1& o, double weight) {
    r1 += weight * o.r1;
    r2 += weight * o.r2;
    rl += weight * o.rl;
  }
};

RougeF1 rouge_f1(const std::vector<std::string>& h, const std::vector<std::string>& r) {
  return {rouge_n_f1(h, r, 1), rouge_n_f1(h, r, 2), rouge_l_f1(h, r)};
}

struct RougeSums {
  RougeF1 sum;
  long long lines = 0;
  std::vector<MetricScore> scores(const std::string& suffix, const std::string& sig) const {
    const double n = lines > 0 ? static_cast<double>(lines) : 1.0;
    return {{"ROUGE-1" + suffix, 100 * sum.r1 / n, sig, ""},
            {"ROUGE-2" + suffix, 100 * sum.r2 / n, sig, ""},
            {"ROUGE-L" + suffix, 100 * sum.rl / n, sig, ""}};
  }
};

}  // namespace

std::vector<MetricScore> corpus_rouge(const std::vector<std::string>& hyps, const References& refs) {
  refs.check_lines(hyps.size());
  const size_t streams = refs.streams.size();
  RougeSums mean;
  std::vector<RougeSums> per_ref(streams);
  for (size_t i = 0; i < hyps.size(); ++i) {
    const auto h = rouge_tokenize(hyps[i]);
    // Each pair scored once, for the line's mean and for its reference's own
    // score. A line with no reference at all scores 0 (F1 against nothing).
    RougeF1 line;
    int present = 0;
    for (size_t k = 0; k < streams; ++k) {
      const std::string& ref = refs.streams[k][i];
      if (ref.empty() && streams > 1) continue;  // this line has no reference k
      const RougeF1 f = rouge_f1(h, rouge_tokenize(ref));
      line.add(f, 1.0);
      ++present;
      per_ref[k].sum.add(f, 1.0);
      ++per_ref[k].lines;
    }
    if (present > 0) mean.sum.add(line, 1.0 / present);
    ++mean.lines;
  }
  const std::string tail = "|case:lc|tok:rouge_score|stem:no|agg:mean|f1";
  auto out = mean.scores("", refs.nrefs_field() + tail + (streams > 1 ? "|refs:mean-f1" : ""));
  for (size_t k = 0; streams > 1 && k < streams; ++k)
    for (auto& s : per_ref[k].scores(" ref" + std::to_string(k + 1), "nrefs:1" + tail)) out.push_back(s);
  return out;
}

}  // namespace tandem
