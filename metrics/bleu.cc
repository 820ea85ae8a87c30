#include "metrics/bleu.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <map>

#include "metrics/unicode_text.h"

namespace tandem {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The punctuation class of 13a's first rule: {-~ [-` space-& (-+ :-@ /
bool is_13a_symbol(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return (u >= '{' && u <= '~') || (u >= '[' && u <= '`') || (u >= ' ' && u <= '&') ||
         (u >= '(' && u <= '+') || (u >= ':' && u <= '@') || u == '/';
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
}

// Each rule below is one regex substitution of 13a, applied left to right
// with non-overlapping matches as Python's re.sub does. Working on bytes is
// exact: every character the rules look at is ASCII.
std::string apply_13a_rules(const std::string& in) {
  std::string a;
  for (char c : in) {  // ([\{-\~\[-\` -\&\(-\+\:-\@\/]) -> " \1 "
    if (is_13a_symbol(c)) {
      a += ' ';
      a += c;
      a += ' ';
    } else {
      a += c;
    }
  }
  std::string b;  // ([^0-9])([\.,]) -> "\1 \2 "
  for (size_t i = 0; i < a.size();) {
    if (i + 1 < a.size() && !is_digit(a[i]) && (a[i + 1] == '.' || a[i + 1] == ',')) {
      b += a[i];
      b += ' ';
      b += a[i + 1];
      b += ' ';
      i += 2;
    } else {
      b += a[i++];
    }
  }
  std::string c;  // ([\.,])([^0-9]) -> " \1 \2"
  for (size_t i = 0; i < b.size();) {
    if (i + 1 < b.size() && (b[i] == '.' || b[i] == ',') && !is_digit(b[i + 1])) {
      c += ' ';
      c += b[i];
      c += ' ';
      c += b[i + 1];
      i += 2;
    } else {
      c += b[i++];
    }
  }
  std::string d;  // ([0-9])(-) -> "\1 \2 "
  for (size_t i = 0; i < c.size();) {
    if (i + 1 < c.size() && is_digit(c[i]) && c[i + 1] == '-') {
      d += c[i];
      d += " - ";
      i += 2;
    } else {
      d += c[i++];
    }
  }
  return d;
}

using NgramCounts = std::map<std::vector<std::string>, int>;

NgramCounts count_ngrams(const std::vector<std::string>& words) {
  NgramCounts counts;
  for (int n = 1; n <= 4; ++n)
    for (size_t i = 0; i + n <= words.size(); ++i)
      ++counts[std::vector<std::string>(words.begin() + i, words.begin() + i + n)];
  return counts;
}

std::string signature(const std::string& nrefs, bool lowercase, bool effective_order) {
  return nrefs + "|case:" + (lowercase ? "lc" : "mixed") +
         "|eff:" + (effective_order ? "yes" : "no") + "|tok:13a|smooth:exp|version:" +
         kSacrebleuVersion;
}

}  // namespace

std::string tokenize_13a(const std::string& line) {
  std::string s = line;
  replace_all(s, "<skipped>", "");
  replace_all(s, "-\n", "");
  replace_all(s, "\n", " ");
  if (s.find('&') != std::string::npos) {
    replace_all(s, "&quot;", "\"");
    replace_all(s, "&amp;", "&");
    replace_all(s, "&lt;", "<");
    replace_all(s, "&gt;", ">");
  }
  std::string out;
  for (const auto& w : split_whitespace(apply_13a_rules(" " + s + " "))) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

void BleuStats::add(const BleuStats& o) {
  hyp_len += o.hyp_len;
  ref_len += o.ref_len;
  for (int n = 0; n < 4; ++n) {
    correct[n] += o.correct[n];
    total[n] += o.total[n];
  }
}

BleuStats bleu_stats(const std::string& hyp, const std::string& ref, bool lowercase) {
  return bleu_stats(hyp, std::vector<const std::string*>{&ref}, lowercase);
}

BleuStats bleu_stats(const std::string& hyp, const std::vector<const std::string*>& refs, bool lowercase) {
  auto words = [&](const std::string& s) {
    return split_whitespace(tokenize_13a(lowercase ? unicode_lower(s) : s));
  };
  const auto h = words(hyp);
  BleuStats st;
  st.hyp_len = static_cast<long long>(h.size());
  NgramCounts ref_counts;
  long long closest = -1;
  for (const std::string* ref : refs) {
    const auto r = words(*ref);
    const long long len = static_cast<long long>(r.size());
    const long long diff = std::llabs(len - st.hyp_len), best = std::llabs(closest - st.hyp_len);
    if (closest < 0 || diff < best || (diff == best && len < closest)) closest = len;
    for (const auto& [ngram, count] : count_ngrams(r)) {
      int& kept = ref_counts[ngram];
      kept = std::max(kept, count);
    }
  }
  st.ref_len = std::max(closest, 0LL);
  for (const auto& [ngram, count] : count_ngrams(h)) {
    const size_t n = ngram.size() - 1;
    st.total[n] += count;
    const auto it = ref_counts.find(ngram);
    if (it != ref_counts.end()) st.correct[n] += std::min(count, it->second);
  }
  return st;
}

double bleu_from_stats(const BleuStats& s, bool effective_order) {
  const double bp = s.hyp_len < s.ref_len
                        ? (s.hyp_len > 0 ? std::exp(1.0 - static_cast<double>(s.ref_len) / s.hyp_len) : 0.0)
                        : 1.0;
  bool any = false;
  for (auto c : s.correct) any |= c > 0;
  if (!any) return 0.0;
  std::array<double, 4> precision{};
  double smooth = 1.0;
  int order = 4;
  for (int n = 1; n <= 4; ++n) {
    if (s.total[n - 1] == 0) break;
    if (effective_order) order = n;
    if (s.correct[n - 1] == 0) {
      smooth *= 2;
      precision[n - 1] = 100.0 / (smooth * s.total[n - 1]);
    } else {
      precision[n - 1] = 100.0 * s.correct[n - 1] / s.total[n - 1];
    }
  }
  double log_sum = 0;
  for (int n = 0; n < order; ++n) log_sum += precision[n] > 0 ? std::log(precision[n]) : -9999999999.0;
  return bp * std::exp(log_sum / order);
}

MetricScore corpus_bleu(const std::vector<std::string>& hyps, const std::vector<std::string>& refs,
                        bool lowercase) {
  return corpus_bleu(hyps, References::single(refs), lowercase);
}

MetricScore corpus_bleu(const std::vector<std::string>& hyps, const References& refs, bool lowercase) {
  refs.check_lines(hyps.size());
  BleuStats total;
  for (size_t i = 0; i < hyps.size(); ++i) total.add(bleu_stats(hyps[i], refs.of_line(i), lowercase));
  MetricScore m;
  m.name = "BLEU";
  m.score = bleu_from_stats(total, false);
  m.signature = signature(refs.nrefs_field(), lowercase, false);
  char buf[160];
  std::snprintf(buf, sizeof buf, "%lld/%lld/%lld/%lld matches, hyp_len %lld, ref_len %lld",
                total.correct[0], total.correct[1], total.correct[2], total.correct[3],
                total.hyp_len, total.ref_len);
  m.details = buf;
  return m;
}

MetricScore sentence_bleu(const std::string& hyp, const std::string& ref) {
  return sentence_bleu(hyp, std::vector<const std::string*>{&ref});
}

MetricScore sentence_bleu(const std::string& hyp, const std::vector<const std::string*>& refs) {
  MetricScore m;
  m.name = "BLEU";
  m.score = bleu_from_stats(bleu_stats(hyp, refs, false), true);
  m.signature = signature("nrefs:" + std::to_string(refs.size()), false, true);
  return m;
}

}  // namespace tandem
