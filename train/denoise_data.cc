#include "train/denoise_data.h"

#include <iterator>

#include "core/error.h"
#include "core/memory_limit.h"
#include "io/text_input.h"
#include "train/noise.h"

namespace tandem {
namespace {

// Pieces that end a sentence (for sentence permutation): those ending in . ! ?
std::vector<int> sentence_end_ids(const Tokenizer& tok) {
  std::vector<int> ids;
  for (int id = 0; id < tok.vocab_size(); ++id) {
    const std::string p = tok.piece(id);
    if (!p.empty() && (p.back() == '.' || p.back() == '!' || p.back() == '?')) ids.push_back(id);
  }
  return ids;
}

// One document per line, or per run of non-empty lines (joined by spaces).
std::vector<std::string> read_documents(const std::string& path, bool blocks) {
  std::vector<std::string> lines = read_lines(path);
  if (!blocks) return lines;
  std::vector<std::string> documents;
  std::string current;
  for (const auto& line : lines) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      if (!current.empty()) documents.push_back(std::move(current));
      current.clear();
    } else {
      current += (current.empty() ? "" : " ") + line;
    }
  }
  if (!current.empty()) documents.push_back(std::move(current));
  return documents;
}

}  // namespace

DenoisingText load_denoising(const std::vector<std::string>& paths, const Tokenizer& tok, const DenoiseRecipe& d,
                             uint64_t seed, int copies, int max_len, const std::string& where,
                             bool as_text) {
  std::vector<int> reserved;
  for (const auto& piece : denoise_reserved_pieces(d)) {
    const int id = tok.piece_id(piece);
    TANDEM_CHECK(id >= 0) << where << ": the vocabulary has no " << piece
                          << " piece (denoising reserves it when it trains the vocabulary; a vocab.model "
                             "given in the recipe must have it as a user-defined symbol)";
    reserved.push_back(id);
  }
  const int mask = reserved[0];
  const std::vector<int> sentinels(reserved.begin() + 1, reserved.end());
  const std::vector<int> ends = d.permute_sentences ? sentence_end_ids(tok) : std::vector<int>();
  const double ratio = d.effective_ratio();
  DenoisingText out;
  // The files make one corpus: document i's noise depends on i alone, not on the file.
  std::vector<std::string> lines;
  std::string names;
  for (const auto& path : paths) {
    auto documents = read_documents(path, d.blocks);
    lines.insert(lines.end(), std::make_move_iterator(documents.begin()), std::make_move_iterator(documents.end()));
    names += (names.empty() ? "" : ", ") + path;
  }
  for (int copy = 0; copy < copies; ++copy) {
    // The first copy's size tells what all of them will hold.
    if (copy == 1)
      check_fits_in_memory(static_cast<double>(out.pairs.src_tokens + out.pairs.tgt_tokens) * sizeof(int32_t) *
                               copies,
                           std::to_string(copies) + " noised copies of " + names, where + ": denoise.copies");
    for (size_t i = 0; i < lines.size(); ++i) {
      const Ids text = tok.encode(lines[i]);
      if (text.empty()) {
        ++out.pairs.skipped_empty;
        continue;
      }
      // One stream per (copy, document): the noise is a pure function of the seed.
      const uint64_t document = static_cast<uint64_t>(copy) * lines.size() + i;
      const Rng::Stream draws(seed ^ 0x6E6F697365ULL, document);
      NoisedPair p;
      if (d.noise == "t5") {
        p = span_corruption(text, sentinels, ratio, d.mean_span, draws);
      } else {
        const Ids order = ends.empty() ? text : permute_sentences(text, ends, Rng::Stream(seed ^ 0x7065726DULL, document));
        p = text_infilling(order, mask, ratio, d.poisson_lambda, draws);
        p.target = text;  // the original order is what the model restores
      }
      if (p.target.empty()) {
        ++out.pairs.skipped_empty;
        continue;
      }
      p.source.push_back(tok.eos_id());
      if (static_cast<int>(p.source.size()) > max_len || static_cast<int>(p.target.size()) + 1 > max_len) {
        ++out.pairs.skipped_long;
        continue;
      }
      if (as_text) {
        out.noised.push_back(tok.decode(p.source));
        out.original.push_back(tok.decode(p.target));
      }
      out.pairs.src_tokens += static_cast<long long>(p.source.size());
      out.pairs.tgt_tokens += static_cast<long long>(p.target.size()) + 1;
      out.pairs.src.push_back(std::move(p.source));
      out.pairs.tgt.push_back(std::move(p.target));
    }
  }
  return out;
}

}  // namespace tandem
