#include "metrics/rouge.h"

#include <map>

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

double rouge_l_f1(const std::vector<std::string>& hyp, const std::vector<std::string>& ref) {
  std::vector<std::vector<int>> lcs(hyp.size() + 1, std::vector<int>(ref.size() + 1, 0));
  for (size_t i = 1; i <= hyp.size(); ++i)
    for (size_t j = 1; j <= ref.size(); ++j)
      lcs[i][j] = hyp[i - 1] == ref[j - 1] ? lcs[i - 1][j - 1] + 1 : std::max(lcs[i - 1][j], lcs[i][j - 1]);
  return f1(lcs[hyp.size()][ref.size()], static_cast<double>(hyp.size()), static_cast<double>(ref.size()));
}

std::vector<MetricScore> corpus_rouge(const std::vector<std::string>& hyps,
                                      const std::vector<std::string>& refs) {
  double r1 = 0, r2 = 0, rl = 0;
  for (size_t i = 0; i < hyps.size(); ++i) {
    const auto h = rouge_tokenize(hyps[i]), r = rouge_tokenize(refs[i]);
    r1 += rouge_n_f1(h, r, 1);
    r2 += rouge_n_f1(h, r, 2);
    rl += rouge_l_f1(h, r);
  }
  const double n = hyps.empty() ? 1.0 : static_cast<double>(hyps.size());
  const std::string sig = "nrefs:1|case:lc|tok:rouge_score|stem:no|agg:mean|f1";
  return {{"ROUGE-1", 100 * r1 / n, sig, ""},
          {"ROUGE-2", 100 * r2 / n, sig, ""},
          {"ROUGE-L", 100 * rl / n, sig, ""}};
}

}  // namespace tandem
