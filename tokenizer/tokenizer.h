// tokenizer/tokenizer.h: SentencePiece behind a small interface. The model is
// held as its serialized bytes so that it can live inside the HDF5 model file
// (/vocab) and a model file needs no side files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace tandem {

// A target-language tag of a multilingual model: a piece of the form ">>xx<<".
bool is_language_tag(const std::string& piece);

class Tokenizer {
 public:
  // bytes: a serialized SentencePiece ModelProto. `where` names it in errors.
  Tokenizer(const std::string& bytes, const std::string& where);
  ~Tokenizer();

  Ids encode(const std::string& text) const;
  std::string decode(const Ids& ids) const;  // special ids (pad/bos/eos) are dropped
  std::string piece(int id) const;  // the piece's text, e.g. "▁Haus"
  int piece_id(const std::string& piece) const;  // -1 when the vocabulary lacks it
  // The ">>xx<<" pieces: the target-language tags of a multilingual model.
  std::vector<std::string> language_tags() const;
  int vocab_size() const;
  int pad_id() const;
  int bos_id() const;
  int eos_id() const;
  int unk_id() const;
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
  std::unique_ptr<sentencepiece::SentencePieceProcessor> sp_;
};

}  // namespace tandem
