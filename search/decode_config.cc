#include "search/decode_config.h"

#include <sstream>

#include <yaml-cpp/yaml.h>

#include "core/yaml_fields.h"

namespace tandem {

void parse_decode_config(const YAML::Node& node, const std::string& where, DecodeConfig& c) {
  YamlFields f(node, where, "decode");
  f.get("beam", c.search.beam, 1, 1024);
  f.get("nbest", c.search.nbest, 1, 1024);
  f.get("length_penalty", c.search.length_penalty, 0.f, 10.f);
  f.get("max_len_a", c.search.max_len_a, 0.f, 100.f);
  f.get("max_len_b", c.search.max_len_b, 0, 1 << 20);
  f.get("min_len", c.search.min_len, 0, 1 << 20);
  f.get("no_repeat_ngram", c.search.no_repeat_ngram, 0, 100);
  f.get("batch_tokens", c.batch_tokens, 1, 1 << 30);
  f.get("batch_sentences", c.batch_sentences, 0, 1 << 20);
  f.finish();
}

DecodeConfig decode_config_from_document(const std::string& yaml, const std::string& where) {
  DecodeConfig c;
  const YAML::Node root = YAML::Load(yaml);
  if (root.IsMap() && root["decode"].IsDefined()) parse_decode_config(root["decode"], where, c);
  return c;
}

std::string decode_config_to_yaml(const DecodeConfig& c) {
  std::ostringstream s;
  s << "{beam: " << c.search.beam << ", nbest: " << c.search.nbest
    << ", length_penalty: " << c.search.length_penalty << ", max_len_a: " << c.search.max_len_a
    << ", max_len_b: " << c.search.max_len_b << ", min_len: " << c.search.min_len
    << ", no_repeat_ngram: " << c.search.no_repeat_ngram << ", batch_tokens: " << c.batch_tokens
    << ", batch_sentences: " << c.batch_sentences << "}";
  return s.str();
}

}  // namespace tandem
