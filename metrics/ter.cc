#include "metrics/ter.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "metrics/unicode_text.h"

namespace tandem {
namespace {

constexpr int kMaxShiftSize = 10;
constexpr int kMaxShiftDist = 50;
constexpr int kBeamWidth = 25;
constexpr int kMaxShiftCandidates = 1000;
constexpr long long kInfinity = 10000000000000000LL;

enum Op : char { kNop = ' ', kSub = 's', kIns = 'i', kDel = 'd', kUndef = 'x' };

using Words = std::vector<std::string>;

// The beam-limited edit-distance table, stored as one band per row: row i
// holds columns [first[i], first[i] + width[i]); every other cell is
// "unreached" (infinite cost, no operation). Memory is O(rows * beam), not
// O(rows * cols), so a 1,000-word line costs kilobytes per candidate.
class BandedTable {
 public:
  struct Cell {
    long long cost = kInfinity;
    char op = kUndef;
  };

  void reset(int rows) {
    first_.assign(rows + 1, 0);
    offset_.assign(rows + 2, 0);
    cells_.clear();
  }
  void set_band(int i, int first, int last) {  // columns [first, last) of row i
    first_[i] = first;
    offset_[i + 1] = offset_[i] + std::max(0, last - first);
    cells_.resize(offset_[i + 1]);
  }
  Cell get(int i, int j) const {
    const int k = j - first_[i];
    if (k < 0 || k >= offset_[i + 1] - offset_[i]) return Cell{};
    return cells_[offset_[i] + k];
  }
  Cell& at(int i, int j) { return cells_[offset_[i] + (j - first_[i])]; }

 private:
  std::vector<int> first_, offset_;
  std::vector<Cell> cells_;
};

// Beam-limited Levenshtein distance of hyp against ref, with the trace of
// operations (i over hyp, j over ref; ties prefer match/sub, then del, then ins).
// The last row spans every column, so the walk back from (nh, nr) only visits
// reached cells; an unreached one would end the walk as a deletion.
std::pair<long long, std::string> edit_distance(const Words& hyp, const Words& ref) {
  const int nh = static_cast<int>(hyp.size()), nr = static_cast<int>(ref.size());
  thread_local BandedTable dist;
  dist.reset(nh);
  dist.set_band(0, 0, nr + 1);
  for (int j = 0; j <= nr; ++j) dist.at(0, j) = {j, kIns};
  const double ratio = nh > 0 ? static_cast<double>(nr) / nh : 1.0;
  const int beam = kBeamWidth < ratio / 2 ? static_cast<int>(std::ceil(ratio / 2 + kBeamWidth)) : kBeamWidth;
  for (int i = 1; i <= nh; ++i) {
    const int diag = static_cast<int>(std::floor(i * ratio));
    const int min_j = std::max(0, diag - beam);
    int max_j = std::min(nr + 1, diag + beam);
    if (i == nh) max_j = nr + 1;
    dist.set_band(i, min_j, max_j);
    for (int j = min_j; j < max_j; ++j) {
      auto& cell = dist.at(i, j);
      if (j == 0) {
        cell = {dist.get(i - 1, j).cost + 1, kDel};
        continue;
      }
      const bool same = hyp[i - 1] == ref[j - 1];
      const BandedTable::Cell ops[3] = {
          {dist.get(i - 1, j - 1).cost + (same ? 0 : 1), same ? kNop : kSub},
          {dist.get(i - 1, j).cost + 1, kDel},
          {dist.get(i, j - 1).cost + 1, kIns}};
      for (const auto& op : ops)
        if (cell.cost > op.cost) cell = op;
    }
  }
  std::string trace;
  for (int i = nh, j = nr; i > 0 || j > 0;) {
    char op = dist.get(i, j).op;
    if (op == kUndef || (op == kIns && j == 0) || (op != kIns && i == 0)) op = i > 0 ? kDel : kIns;
    trace += op;
    if (op == kSub || op == kNop) --i, --j;
    else if (op == kIns) --j;
    else --i;
  }
  return {dist.get(nh, nr).cost, std::string(trace.rbegin(), trace.rend())};
}

// Python-slice semantics (sacreBLEU's): every bound is clamped to [0, n].
Words perform_shift(const Words& w, int start, int length, int target) {
  Words out;
  out.reserve(w.size());
  const int n = static_cast<int>(w.size());
  auto append = [&](int from, int to) {
    from = std::clamp(from, 0, n);
    to = std::clamp(to, 0, n);
    if (from < to) out.insert(out.end(), w.begin() + from, w.begin() + to);
  };
  if (target < start) {
    append(0, target), append(start, start + length), append(target, start), append(start + length, n);
  } else if (target > start + length) {
    append(0, start), append(start + length, target), append(start, start + length), append(target, n);
  } else {
    append(0, start), append(start + length, length + target), append(start, start + length),
        append(length + target, n);
  }
  return out;
}

// One round: the shift that lowers the edit distance most (tercom's ranking).
std::tuple<long long, Words, int> best_shift(const Words& hyp, const Words& ref, int checked) {
  const auto [pre_score, inv_trace] = edit_distance(hyp, ref);
  // Alignment of ref positions to hyp positions, from the flipped trace.
  std::vector<int> align(ref.size(), -1);
  std::vector<int> hyp_err, ref_err;
  int ph = -1, pr = -1;
  for (char op : inv_trace) {
    const char flipped = op == kIns ? char{kDel} : op == kDel ? char{kIns} : op;
    if (flipped == kNop || flipped == kSub) {
      ++ph, ++pr;
      align[pr] = ph;
      hyp_err.push_back(flipped == kSub);
      ref_err.push_back(flipped == kSub);
    } else if (flipped == kIns) {
      ++ph;
      hyp_err.push_back(1);
    } else {
      ++pr;
      align[pr] = ph;
      ref_err.push_back(1);
    }
  }
  bool found = false;
  std::tuple<long long, int, int, int> best_key;
  Words best_words;
  const int nh = static_cast<int>(hyp.size()), nr = static_cast<int>(ref.size());
  // Matching blocks hyp[sh..] == ref[sr..] of 1..10 words, in tercom's order;
  // the search stops right after the candidate that reaches the limit.
  bool stop = false;
  for (int sh = 0; sh < nh && !stop; ++sh) {
    for (int sr = 0; sr < nr && !stop; ++sr) {
      if (std::abs(sr - sh) > kMaxShiftDist) continue;
      for (int length = 1; length <= kMaxShiftSize && !stop; ++length) {
        if (hyp[sh + length - 1] != ref[sr + length - 1]) break;
        bool hyp_wrong = false, ref_wrong = false;
        for (int k = sh; k < sh + length; ++k) hyp_wrong |= hyp_err[k] != 0;
        for (int k = sr; k < sr + length; ++k) ref_wrong |= ref_err[k] != 0;
        const bool inside = sh <= align[sr] && align[sr] < sh + length;
        if (hyp_wrong && ref_wrong && !inside) {
          int prev_idx = -1;
          for (int offset = -1; offset < length; ++offset) {
            int idx;
            if (sr + offset == -1) idx = 0;
            else if (sr + offset < nr) idx = align[sr + offset] + 1;
            else break;
            if (idx == prev_idx) continue;
            prev_idx = idx;
            Words shifted = perform_shift(hyp, sh, length, idx);
            const auto key =
                std::make_tuple(pre_score - edit_distance(shifted, ref).first, length, -sh, -idx);
            ++checked;
            if (!found || key > best_key) {
              found = true;
              best_key = key;
              best_words = std::move(shifted);
            }
          }
          stop = checked >= kMaxShiftCandidates;
        }
        if (sh + length == nh || sr + length == nr) break;
      }
    }
  }
  if (!found) return {0, hyp, checked};
  return {std::get<0>(best_key), best_words, checked};
}

}  // namespace

std::pair<int, int> translation_edits(const Words& hyp, const Words& ref) {
  if (ref.empty()) return {static_cast<int>(hyp.size()), 0};
  Words input = hyp;
  int shifts = 0, checked = 0;
  while (true) {
    auto [delta, shifted, now_checked] = best_shift(input, ref, checked);
    checked = now_checked;
    if (checked >= kMaxShiftCandidates || delta <= 0) break;
    ++shifts;
    input = std::move(shifted);
  }
  return {shifts + static_cast<int>(edit_distance(input, ref).first), static_cast<int>(ref.size())};
}

MetricScore corpus_ter(const std::vector<std::string>& hyps, const std::vector<std::string>& refs) {
  return corpus_ter(hyps, References::single(refs));
}

MetricScore corpus_ter(const std::vector<std::string>& hyps, const References& refs) {
  refs.check_lines(hyps.size());
  double edits = 0, ref_words = 0;
  for (size_t i = 0; i < hyps.size(); ++i) {
    // sacreBLEU: the fewest edits over the references, over their mean length.
    const auto hyp = split_whitespace(unicode_lower(hyps[i]));
    const auto line_refs = refs.of_line(i);
    int best = -1;
    double lengths = 0;
    for (const std::string* ref : line_refs) {
      const auto [e, n] = translation_edits(hyp, split_whitespace(unicode_lower(*ref)));
      if (best < 0 || e < best) best = e;
      lengths += n;
    }
    edits += best;
    ref_words += lengths / static_cast<double>(line_refs.size());
  }
  MetricScore m;
  m.name = "TER";
  m.score = ref_words > 0 ? 100.0 * edits / ref_words : (edits > 0 ? 100.0 : 0.0);
  m.signature = refs.nrefs_field() + "|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:" +
                kSacrebleuVersion;
  return m;
}

}  // namespace tandem
