#include "model/languages.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "core/error.h"

namespace tandem {

bool ModelLanguages::tag_for(const std::string& target, std::string* tag) const {
  for (const auto& [code, t] : targets)
    if (code == target) {
      *tag = t;
      return true;
    }
  return false;
}

bool valid_language_code(const std::string& code) {
  // "de", "pt-br", "zh-hans": two letters, then an optional -region/script.
  if (code.size() < 2 || code.size() > 12) return false;
  if (!std::islower(static_cast<unsigned char>(code[0])) || !std::islower(static_cast<unsigned char>(code[1])))
    return false;
  if (code.size() == 2) return true;
  if (code[2] != '-' || code.size() < 4) return false;
  return std::all_of(code.begin() + 3, code.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

namespace {

std::string checked_code(const std::string& code, const std::string& where) {
  TANDEM_CHECK(valid_language_code(code)) << where << ": \"" << code
                                          << "\" is not an ISO 639-1 language code (e.g. en, de, pt-br)";
  return code;
}

}  // namespace

ModelLanguages parse_languages(const YAML::Node& node, const std::string& where) {
  TANDEM_CHECK(node.IsMap()) << where << ": languages: expected {source: en, target: de} or {source: en, targets: "
                             << "{de: \">>de<<\", ...}}";
  ModelLanguages l;
  for (const auto& kv : node) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
    if (key == "source") {
      TANDEM_CHECK(kv.second.IsScalar()) << where << ": languages.source: expected a code";
      l.source = checked_code(kv.second.Scalar(), where + ": languages.source");
    } else if (key == "target") {
      TANDEM_CHECK(kv.second.IsScalar()) << where << ": languages.target: expected a code";
      l.targets.emplace_back(checked_code(kv.second.Scalar(), where + ": languages.target"), "");
    } else if (key == "targets") {
      TANDEM_CHECK(kv.second.IsMap()) << where << ": languages.targets: expected {code: tag, ...}";
      for (const auto& t : kv.second) {
        TANDEM_CHECK(t.first.IsScalar() && t.second.IsScalar()) << where << ": languages.targets: expected code: tag";
        l.targets.emplace_back(checked_code(t.first.Scalar(), where + ": languages.targets"), t.second.Scalar());
      }
    } else {
      TANDEM_FAIL() << where << ": languages." << key << ": unknown key (expected source, target or targets)";
    }
  }
  TANDEM_CHECK(!l.source.empty() && !l.targets.empty()) << where << ": languages: needs a source and a target";
  return l;
}

ModelLanguages languages_from_config(const std::string& config_yaml, const std::string& where) {
  if (config_yaml.empty()) return {};
  YAML::Node root;
  try {
    root = YAML::Load(config_yaml);
  } catch (const YAML::Exception&) {
    return {};
  }
  if (!root.IsMap() || !root["recipe"].IsMap() || !root["recipe"]["languages"].IsDefined()) return {};
  return parse_languages(root["recipe"]["languages"], where);
}

ModelLanguages parse_languages_option(const std::string& text, const std::string& where) {
  const size_t colon = text.find(':');
  TANDEM_CHECK(colon != std::string::npos) << where << ": expected SOURCE:TARGET[,TARGET=TAG...], got \"" << text
                                           << "\"";
  ModelLanguages l;
  l.source = checked_code(text.substr(0, colon), where);
  std::string rest = text.substr(colon + 1);
  for (size_t start = 0; start <= rest.size();) {
    const size_t comma = std::min(rest.find(',', start), rest.size());
    const std::string item = rest.substr(start, comma - start);
    const size_t eq = item.find('=');
    l.targets.emplace_back(checked_code(item.substr(0, eq), where), eq == std::string::npos ? "" : item.substr(eq + 1));
    start = comma + 1;
  }
  return l;
}

std::string language_name(const std::string& code) {
  static const std::map<std::string, std::string> names = {
      {"ar", "Arabic"},   {"cs", "Czech"},     {"da", "Danish"},    {"de", "German"},    {"el", "Greek"},
      {"en", "English"},  {"es", "Spanish"},   {"fi", "Finnish"},   {"fr", "French"},    {"hi", "Hindi"},
      {"hu", "Hungarian"}, {"it", "Italian"},  {"ja", "Japanese"},  {"ko", "Korean"},    {"nl", "Dutch"},
      {"pl", "Polish"},   {"pt", "Portuguese"}, {"ro", "Romanian"}, {"ru", "Russian"},   {"sv", "Swedish"},
      {"tr", "Turkish"},  {"uk", "Ukrainian"}, {"zh", "Chinese"}};
  const auto it = names.find(code.substr(0, 2));
  return it == names.end() ? code : it->second;
}

}  // namespace tandem
