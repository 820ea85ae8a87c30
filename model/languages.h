// model/languages.h: the languages a model translates between, as a recipe
// declares them and the model file keeps them (its /config recipe), for
// `tandem info` and for servers that route by language (LibreTranslate's
// source/target). ISO 639-1 codes (two lower-case letters, optionally a
// region or script: pt-br, zh-hans). A multilingual model names the tag that
// asks for each target.
//   languages: {source: en, target: de}
//   languages: {source: en, targets: {de: ">>de<<", fr: ">>fr<<"}}
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace YAML {
class Node;
}

namespace tandem {

struct ModelLanguages {
  std::string source;
  std::vector<std::pair<std::string, std::string>> targets;  // code, tag ("" for a one-target model)
  bool empty() const { return source.empty(); }
  // The tag for a target code; false when the model does not translate into it.
  bool tag_for(const std::string& target, std::string* tag) const;
};

// Throws naming `where` and the offending value.
ModelLanguages parse_languages(const YAML::Node& node, const std::string& where);
// The recipe's languages in a /config document; empty when it has none.
ModelLanguages languages_from_config(const std::string& config_yaml, const std::string& where);
// "en:de" or "en:de=>>de<<,fr=>>fr<<" (a server option for models without them).
ModelLanguages parse_languages_option(const std::string& text, const std::string& where);
// The English name of a code ("German"), or the code itself.
std::string language_name(const std::string& code);
bool valid_language_code(const std::string& code);

}  // namespace tandem
