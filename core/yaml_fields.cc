#include "core/yaml_fields.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>

#include "core/did_you_mean.h"

namespace tandem {

YamlFields::YamlFields(const YAML::Node& map, std::string where, std::string prefix)
    : map_(map), where_(std::move(where)), prefix_(std::move(prefix)) {
  TANDEM_CHECK(map_.IsMap()) << location() << ": " << (prefix_.empty() ? "document" : prefix_)
                             << ": expected a mapping of keys to values";
  std::map<std::string, int> seen;  // key -> line, to refuse a key given twice
  for (const auto& kv : map_) {  // a list or mapping used as a key has no name to look up
    const auto line = kv.first.Mark().line;
    TANDEM_CHECK(kv.first.IsScalar())
        << where_ << (line >= 0 ? ":" + std::to_string(line + 1) : "") << ": "
        << (prefix_.empty() ? "document" : prefix_) << ": a key must be a plain name, got a "
        << (kv.first.IsMap() ? "mapping" : "list");
    // YAML readers keep only one of two equal keys; which one is not for the user to guess.
    const auto [it, fresh] = seen.emplace(kv.first.Scalar(), line + 1);
    TANDEM_CHECK(fresh) << where_ << ":" << line + 1 << ": "
                        << (prefix_.empty() ? kv.first.Scalar() : prefix_ + "." + kv.first.Scalar())
                        << ": given twice (first at line " << it->second << ")";
  }
}

std::string YamlFields::location() const {
  const auto mark = map_.Mark();
  return mark.line >= 0 ? where_ + ":" + std::to_string(mark.line + 1) : where_;
}

std::string YamlFields::locate(const std::string& key) const {
  const auto node = map_[key];
  std::string loc = where_;
  if (node.IsDefined() && node.Mark().line >= 0) loc += ":" + std::to_string(node.Mark().line + 1);
  return loc + ": " + (prefix_.empty() ? key : prefix_ + "." + key);
}

YAML::Node YamlFields::node(const std::string& key) {
  known_.push_back(key);
  read_.insert(key);
  return map_[key];
}

std::string YamlFields::scalar(const std::string& key, const char* expected) {
  read_.insert(key);
  const auto n = map_[key];
  TANDEM_CHECK(n.IsScalar()) << locate(key) << ": expected " << expected << ", got a "
                             << (n.IsMap() ? "mapping" : "list");
  return n.Scalar();
}

void YamlFields::get(const std::string& key, long long& out, long long min, long long max) {
  known_.push_back(key);
  if (!has(key)) return;
  const std::string s = scalar(key, "an integer");
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  TANDEM_CHECK(!s.empty() && *end == '\0' && errno == 0)
      << locate(key) << ": expected an integer, got \"" << s << "\"";
  TANDEM_CHECK(v >= min && v <= max) << locate(key) << ": " << v << " is out of range [" << min
                                     << ", " << max << "]";
  out = v;
}

void YamlFields::get(const std::string& key, int& out, int min, int max) {
  long long v = out;
  get(key, v, min, max);
  out = static_cast<int>(v);
}

void YamlFields::get(const std::string& key, double& out, double min, double max) {
  known_.push_back(key);
  if (!has(key)) return;
  const std::string s = scalar(key, "a number");
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  TANDEM_CHECK(!s.empty() && *end == '\0' && errno == 0 && std::isfinite(v))
      << locate(key) << ": expected a number, got \"" << s << "\"";
  TANDEM_CHECK(v >= min && v <= max) << locate(key) << ": " << v << " is out of range [" << min
                                     << ", " << max << "]";
  out = v;
}

void YamlFields::get(const std::string& key, float& out, float min, float max) {
  double v = out;
  get(key, v, min, max);
  out = static_cast<float>(v);
}

void YamlFields::get(const std::string& key, bool& out) {
  known_.push_back(key);
  if (!has(key)) return;
  const std::string s = scalar(key, "true or false");
  if (s == "true") out = true;
  else if (s == "false") out = false;
  else TANDEM_FAIL() << locate(key) << ": expected true or false, got \"" << s << "\"";
}

void YamlFields::get(const std::string& key, std::string& out) {
  known_.push_back(key);
  if (!has(key)) return;
  out = scalar(key, "a string");
}

void YamlFields::finish() const {
  for (const auto& kv : map_) {
    const std::string key = kv.first.as<std::string>();
    if (read_.count(key)) continue;
    const auto line = kv.first.Mark().line;
    const std::string at = where_ + (line >= 0 ? ":" + std::to_string(line + 1) : "") + ": " +
                           (prefix_.empty() ? key : prefix_ + "." + key);
    TANDEM_CHECK(std::find(known_.begin(), known_.end(), key) == known_.end())
        << at << ": has no value";
    const std::string near = nearest_name(key, known_);
    TANDEM_FAIL() << at << ": unknown key"
                  << (near.empty() ? "" : " (did you mean `" + near + "`?)");
  }
}

}  // namespace tandem
