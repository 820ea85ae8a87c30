// core/yaml_fields.h: reads a YAML mapping into typed fields, once.
// Each get() names the key it reads; finish() rejects keys nobody read, with a
// "did you mean" hint. Errors look like
//   recipes/m30k.yaml:14: train.optimizer.lr: expected a number, got "3e-4x"
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/error.h"

namespace tandem {

class YamlFields {
 public:
  // where: the source file name; prefix: dotted path of this mapping ("train.optimizer").
  YamlFields(const YAML::Node& map, std::string where, std::string prefix);

  bool has(const std::string& key) const { return map_[key].IsDefined() && !map_[key].IsNull(); }
  YAML::Node node(const std::string& key);  // marks the key as read

  void get(const std::string& key, int& out, int min, int max);
  void get(const std::string& key, long long& out, long long min, long long max);
  void get(const std::string& key, float& out, float min, float max);
  void get(const std::string& key, double& out, double min, double max);
  void get(const std::string& key, bool& out);
  void get(const std::string& key, std::string& out);
  template <typename E>
  void get_enum(const std::string& key, E& out, const std::vector<std::pair<std::string, E>>& names);

  // Throws on the first key that no get() asked for.
  void finish() const;

  // "file:line: prefix.key" for messages about a key.
  std::string locate(const std::string& key) const;
  std::string location() const;  // "file:line" of the mapping itself

 private:
  std::string scalar(const std::string& key, const char* expected);

  YAML::Node map_;
  std::string where_, prefix_;
  std::set<std::string> read_;
  std::vector<std::string> known_;
};

template <typename E>
void YamlFields::get_enum(const std::string& key, E& out,
                          const std::vector<std::pair<std::string, E>>& names) {
  std::string expected;
  for (const auto& n : names) expected += (expected.empty() ? "" : " | ") + n.first;
  known_.push_back(key);
  if (!has(key)) return;
  const std::string value = scalar(key, ("one of " + expected).c_str());
  for (const auto& n : names) {
    if (n.first == value) {
      out = n.second;
      return;
    }
  }
  TANDEM_FAIL() << locate(key) << ": expected one of " << expected << ", got \"" << value << "\"";
}

}  // namespace tandem
