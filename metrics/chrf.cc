#include "metrics/chrf.h"

#include <unordered_map>

#include "metrics/unicode_text.h"

namespace tandem {
namespace {

constexpr int kCharOrder = 6;
constexpr double kBeta = 2;

using Counts = std::unordered_map<std::u32string, long long>;

bool is_ascii_punct(char32_t c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

// Splits one punctuation mark off the end (else the start) of each word.
std::vector<std::u32string> words_without_edge_punct(const std::u32string& text) {
  std::vector<std::u32string> out;
  for (auto& w : split_whitespace(text)) {
    if (w.size() == 1) {
      out.push_back(w);
    } else if (is_ascii_punct(w.back())) {
      out.push_back(w.substr(0, w.size() - 1));
      out.push_back(w.substr(w.size() - 1));
    } else if (is_ascii_punct(w.front())) {
      out.push_back(w.substr(0, 1));
      out.push_back(w.substr(1));
    } else {
      out.push_back(w);
    }
  }
  return out;
}

std::vector<Counts> ngram_counts(const std::u32string& text, int word_order) {
  std::vector<Counts> counts(kCharOrder + word_order);
  std::u32string chars;
  for (char32_t c : text)
    if (!is_unicode_space(c)) chars += c;
  for (int n = 1; n <= kCharOrder; ++n)
    for (size_t i = 0; i + n <= chars.size(); ++i) ++counts[n - 1][chars.substr(i, n)];
  if (word_order > 0) {
    const auto words = words_without_edge_punct(text);
    for (int n = 1; n <= word_order; ++n) {
      for (size_t i = 0; i + n <= words.size(); ++i) {
        std::u32string key;
        for (int k = 0; k < n; ++k) key += (k ? U" " : U"") + words[i + k];
        ++counts[kCharOrder + n - 1][key];
      }
    }
  }
  return counts;
}

double f_score(const std::vector<long long>& stats, int order) {
  const double eps = 1e-16, factor = kBeta * kBeta;
  double avg_prec = 0, avg_rec = 0;
  int effective = 0;
  for (int i = 0; i < order; ++i) {
    const long long n_hyp = stats[3 * i], n_ref = stats[3 * i + 1], n_match = stats[3 * i + 2];
    const double prec = n_hyp > 0 ? static_cast<double>(n_match) / n_hyp : eps;
    const double rec = n_ref > 0 ? static_cast<double>(n_match) / n_ref : eps;
    if (n_hyp > 0 && n_ref > 0) {
      avg_prec += prec;
      avg_rec += rec;
      ++effective;
    }
  }
  if (effective == 0) return 0.0;
  avg_prec /= effective;
  avg_rec /= effective;
  if (avg_prec + avg_rec == 0) return 0.0;
  return 100 * (1 + factor) * avg_prec * avg_rec / (factor * avg_prec + avg_rec);
}

// (hypothesis n-grams, reference n-grams, matches) per order for one pair.
std::vector<long long> line_stats(const std::vector<Counts>& h, const std::vector<Counts>& r, int order) {
  std::vector<long long> stats(3 * order, 0);
  for (int i = 0; i < order; ++i) {
    long long hyp_count = 0, ref_count = 0, match = 0;
    for (const auto& [g, c] : h[i]) {
      hyp_count += c;
      const auto it = r[i].find(g);
      if (it != r[i].end()) match += std::min(c, it->second);
    }
    for (const auto& [g, c] : r[i]) ref_count += c;
    stats[3 * i] = r[i].empty() ? 0 : hyp_count;  // no reference n-grams: hits don't count
    stats[3 * i + 1] = ref_count;
    stats[3 * i + 2] = match;
  }
  return stats;
}

}  // namespace

MetricScore corpus_chrf(const std::vector<std::string>& hyps, const std::vector<std::string>& refs,
                        int word_order) {
  return corpus_chrf(hyps, References::single(refs), word_order);
}

MetricScore corpus_chrf(const std::vector<std::string>& hyps, const References& refs, int word_order) {
  refs.check_lines(hyps.size());
  const int order = kCharOrder + word_order;
  std::vector<long long> stats(3 * order, 0);
  for (size_t s = 0; s < hyps.size(); ++s) {
    const auto h = ngram_counts(to_code_points(hyps[s]), word_order);
    // Several references: the statistics of the one with the best sentence
    // F-score count (the first on a tie), as sacreBLEU does.
    std::vector<long long> best;
    double best_f = -1;
    for (const std::string* ref : refs.of_line(s)) {
      const auto line = line_stats(h, ngram_counts(to_code_points(*ref), word_order), order);
      const double f = f_score(line, order);
      if (f > best_f) best_f = f, best = line;
    }
    for (int k = 0; k < 3 * order; ++k) stats[k] += best[k];
  }
  MetricScore m;
  m.name = word_order == 2 ? "chrF2++" : "chrF2" + std::string(word_order, '+');
  m.score = f_score(stats, order);
  m.signature = refs.nrefs_field() + "|case:mixed|eff:yes|nc:6|nw:" + std::to_string(word_order) +
                "|space:no|version:" + kSacrebleuVersion;
  return m;
}

}  // namespace tandem
