#include "search/decode_config.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "core/error.h"
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

void check_decode_config(const DecodeConfig& c, const std::string& prefix) {
  const SearchOptions& s = c.search;
  // "--max-len-a" on the command line, "max_len_a" in the library.
  auto name = [&](std::string key) {
    if (prefix.empty()) std::replace(key.begin(), key.end(), '-', '_');
    return prefix + key;
  };
  TANDEM_CHECK(s.beam >= 1 && s.beam <= kMaxBeam) << name("beam") << " must be between 1 and " << kMaxBeam << ", got " << s.beam;
  TANDEM_CHECK(std::isfinite(s.max_len_a) && s.max_len_a >= 0)
      << name("max-len-a") << " must be a finite number >= 0, got " << s.max_len_a;
  TANDEM_CHECK(s.nbest >= 1 && s.nbest <= s.beam)
      << name("nbest") << " must be between 1 and " << name("beam") << " (" << s.beam << "), got " << s.nbest;
  TANDEM_CHECK(c.batch_tokens >= 1) << name("batch-tokens") << " must be positive, got " << c.batch_tokens;
  TANDEM_CHECK(c.batch_sentences >= 0) << name("batch-size") << " must be >= 0, got " << c.batch_sentences;
  TANDEM_CHECK(s.min_len >= 0) << name("min-len") << " must be >= 0, got " << s.min_len;
  TANDEM_CHECK(s.no_repeat_ngram >= 0) << name("no-repeat-ngram") << " must be >= 0, got " << s.no_repeat_ngram;
  TANDEM_CHECK(s.length_penalty >= 0) << name("length-penalty") << " must be >= 0, got " << s.length_penalty;
}

}  // namespace tandem
