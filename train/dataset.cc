#include "train/dataset.h"

#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "core/profile.h"
#include "core/rng.h"
#include "io/text_input.h"

namespace tandem {
namespace {

void append_pairs(const DataFiles& files, const Tokenizer& src_tok, const Tokenizer& tgt_tok, int max_len,
                  ParallelData& d) {
  const auto src_lines = read_source_lines(files);
  const auto tgt_lines = read_lines(files.tgt);
  TANDEM_CHECK(src_lines.size() == tgt_lines.size())
      << "parallel files differ in length: " << files.src << " has " << src_lines.size()
      << " lines, " << files.tgt << " has " << tgt_lines.size();
  for (size_t i = 0; i < src_lines.size(); ++i) {
    Ids s = src_tok.encode(src_lines[i]);
    Ids t = tgt_tok.encode(tgt_lines[i]);
    if (s.empty() || t.empty()) {
      ++d.skipped_empty;
      continue;
    }
    s.push_back(src_tok.eos_id());
    if (static_cast<int>(s.size()) > max_len || static_cast<int>(t.size()) + 1 > max_len) {
      ++d.skipped_long;
      continue;
    }
    d.src_tokens += static_cast<long long>(s.size());
    d.tgt_tokens += static_cast<long long>(t.size()) + 1;
    d.src.push_back(std::move(s));
    d.tgt.push_back(std::move(t));
  }
}

}  // namespace

ParallelData load_parallel(const std::string& src_path, const std::string& tgt_path,
                           const Tokenizer& src_tok, const Tokenizer& tgt_tok, int max_len) {
  return load_parallel(DataSplit{DataFiles{src_path, tgt_path, ""}}, src_tok, tgt_tok, max_len);
}

ParallelData load_parallel(const DataSplit& split, const Tokenizer& src_tok, const Tokenizer& tgt_tok,
                           int max_len) {
  ParallelData d;
  for (const auto& files : split) append_pairs(files, src_tok, tgt_tok, max_len, d);
  return d;
}

std::vector<std::vector<int>> make_train_batches(const ParallelData& data, int budget,
                                                 uint64_t seed) {
  std::vector<int> order(data.src.size());
  std::iota(order.begin(), order.end(), 0);
  // Random tie-breaking so equal-length pairs do not always share a batch.
  const auto stream = Rng(seed, 0x5eedULL).next();
  std::vector<uint64_t> tie(order.size());
  for (size_t i = 0; i < tie.size(); ++i) tie[i] = stream.bits(i);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    const auto ka = std::make_tuple(data.src[a].size(), data.tgt[a].size(), tie[a]);
    const auto kb = std::make_tuple(data.src[b].size(), data.tgt[b].size(), tie[b]);
    return ka < kb;
  });
  std::vector<std::vector<int>> batches;
  std::vector<int> current;
  size_t max_src = 0, max_tgt = 0;
  for (int i : order) {
    const size_t s = std::max(max_src, data.src[i].size());
    const size_t t = std::max(max_tgt, data.tgt[i].size() + 1);
    if (!current.empty() && (s + t) * (current.size() + 1) > static_cast<size_t>(budget)) {
      batches.push_back(std::move(current));
      current.clear();
      max_src = max_tgt = 0;
    }
    current.push_back(i);
    max_src = std::max(max_src, data.src[i].size());
    max_tgt = std::max(max_tgt, data.tgt[i].size() + 1);
  }
  if (!current.empty()) batches.push_back(std::move(current));
  return batches;
}

std::vector<int> epoch_order(size_t batches, uint64_t seed, int epoch) {
  std::vector<int> order(batches);
  std::iota(order.begin(), order.end(), 0);
  const auto stream = Rng(seed, 0xE90C0000ULL + static_cast<uint64_t>(epoch)).next();
  for (size_t i = batches; i > 1; --i) {  // Fisher-Yates
    const size_t j = stream.bits(i) % i;
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

Batch gather_batch(const ParallelData& data, const std::vector<int>& indices, int pad, int bos,
                   int eos) {
  const ProfileScope profile_scope(OpClass::Data);
  std::vector<Ids> src, tgt;
  for (int i : indices) {
    src.push_back(data.src[i]);
    tgt.push_back(data.tgt[i]);
  }
  return make_batch(src, tgt, pad, bos, eos);
}

}  // namespace tandem
