#include "tokenizer/tokenizer.h"

#include <sentencepiece_processor.h>

#include "core/error.h"

namespace tandem {

Tokenizer::Tokenizer(const std::string& bytes, const std::string& where)
    : bytes_(bytes), sp_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
  TANDEM_CHECK(!bytes.empty()) << where << ": no SentencePiece model";
  const auto status = sp_->LoadFromSerializedProto(bytes);
  TANDEM_CHECK(status.ok()) << where << ": invalid SentencePiece model: " << status.ToString();
}

Tokenizer::~Tokenizer() = default;

Ids Tokenizer::encode(const std::string& text) const {
  std::vector<int> ids;
  const auto status = sp_->Encode(text, &ids);
  TANDEM_CHECK(status.ok()) << "tokenizer: " << status.ToString();
  return Ids(ids.begin(), ids.end());
}

std::string Tokenizer::decode(const Ids& ids) const {
  std::vector<int> kept;
  for (int id : ids) {
    if (id != pad_id() && id != bos_id() && id != eos_id()) kept.push_back(id);
  }
  std::string text;
  const auto status = sp_->Decode(kept, &text);
  TANDEM_CHECK(status.ok()) << "tokenizer: " << status.ToString();
  return text;
}

int Tokenizer::vocab_size() const { return sp_->GetPieceSize(); }
int Tokenizer::pad_id() const { return sp_->pad_id(); }
int Tokenizer::bos_id() const { return sp_->bos_id(); }
int Tokenizer::eos_id() const { return sp_->eos_id(); }
std::string Tokenizer::piece(int id) const { return sp_->IdToPiece(id); }
int Tokenizer::piece_id(const std::string& piece) const {
  const int id = sp_->PieceToId(piece);
  return id == sp_->unk_id() && piece != sp_->IdToPiece(id) ? -1 : id;
}
int Tokenizer::unk_id() const { return sp_->unk_id(); }

bool is_language_tag(const std::string& p) {
  return p.size() > 4 && p.compare(0, 2, ">>") == 0 && p.compare(p.size() - 2, 2, "<<") == 0;
}

std::vector<std::string> Tokenizer::language_tags() const {
  std::vector<std::string> tags;
  for (int id = 0; id < vocab_size(); ++id)
    if (is_language_tag(piece(id))) tags.push_back(piece(id));
  return tags;
}

}  // namespace tandem
