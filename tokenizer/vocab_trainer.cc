#include "tokenizer/vocab_trainer.h"

#include <sentencepiece_trainer.h>

#include <unordered_map>

#include "core/error.h"

namespace tandem {
namespace {

class LineIterator : public sentencepiece::SentenceIterator {
 public:
  explicit LineIterator(const std::vector<std::string>& lines) : lines_(lines) { skip_empty(); }
  bool done() const override { return pos_ >= lines_.size(); }
  void Next() override {
    ++pos_;
    skip_empty();
  }
  const std::string& value() const override { return lines_[pos_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  void skip_empty() {
    while (pos_ < lines_.size() && lines_[pos_].empty()) ++pos_;
  }
  const std::vector<std::string>& lines_;
  size_t pos_ = 0;
};

}  // namespace

std::string train_vocab(const std::vector<std::string>& lines, const VocabOptions& o) {
  TANDEM_CHECK(o.type == "unigram" || o.type == "bpe")
      << "vocab.type: expected unigram or bpe, got \"" << o.type << "\"";
  TANDEM_CHECK(o.size >= 8) << "vocab.size: " << o.size << " is too small";
  size_t non_empty = 0;
  for (const auto& l : lines) non_empty += !l.empty();
  TANDEM_CHECK(non_empty > 0) << "vocabulary training: no non-empty lines of text";
  std::string reserved;
  for (const auto& piece : o.reserved) reserved += (reserved.empty() ? "" : ",") + piece;
  std::unordered_map<std::string, std::string> args = {
      {"model_type", o.type},
      {"vocab_size", std::to_string(o.size)},
      {"character_coverage", std::to_string(o.character_coverage)},
      {"input_sentence_size", std::to_string(o.max_sentences)},
      {"shuffle_input_sentence", "true"},
      {"hard_vocab_limit", "false"},
      {"pad_id", std::to_string(kPadId)},
      {"bos_id", std::to_string(kBosId)},
      {"eos_id", std::to_string(kEosId)},
      {"unk_id", std::to_string(kUnkId)},
      {"minloglevel", "2"},
      {"num_threads", "2"},
  };
  if (!reserved.empty()) args["user_defined_symbols"] = reserved;
  LineIterator it(lines);
  std::string model;
  const auto status = sentencepiece::SentencePieceTrainer::Train(args, &it, &model);
  TANDEM_CHECK(status.ok()) << "vocabulary training failed: " << status.ToString();
  return model;
}

}  // namespace tandem
