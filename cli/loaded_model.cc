#include "cli/loaded_model.h"

#include "core/error.h"
#include "kernels/compute_type.h"

namespace tandem::cli {

const std::string& target_vocab_bytes(const ModelFileMeta& meta) {
  return meta.vocab_tgt.empty() ? meta.vocab_src : meta.vocab_tgt;
}

LoadedModel load_for_decoding(const std::string& path) {
  LoadedModel m;
  m.model = load_model(path, &m.meta);
  TANDEM_CHECK(!m.meta.vocab_src.empty())
      << path << ": /vocab/src is empty: this model has no vocabulary to tokenize text "
      << "(make one with `tandem vocab` and `tandem init --vocab`, or train with `tandem train`)";
  m.source = std::make_unique<Tokenizer>(m.meta.vocab_src, path + ": /vocab/src");
  m.target = std::make_unique<Tokenizer>(target_vocab_bytes(m.meta), path + ": /vocab/tgt");
  m.decode = decode_config_from_document(m.meta.config_yaml, path + ": /config");
  return m;
}

void prepare_compute_type(LoadedModel& m, const std::string& requested, const std::string& option) {
  const ComputeType type = requested.empty() ? m.meta.compute_type : parse_compute_type(requested, option);
  const std::string why_not = compute_type_unsupported_reason(type);
  TANDEM_CHECK(why_not.empty()) << option << " " << compute_type_name(type) << ": " << why_not;
  m.model->set_compute_type(type);
}

void check_tag(const std::string& tag, const Tokenizer& source) {
  if (source.piece_id(tag) >= 0) return;
  std::string known;
  for (const auto& t : source.language_tags()) known += (known.empty() ? "" : " ") + t;
  TANDEM_FAIL() << "--tag " << tag << ": not a piece of the model's vocabulary (its tags: "
                << (known.empty() ? "none" : known) << ")";
}

}  // namespace tandem::cli
