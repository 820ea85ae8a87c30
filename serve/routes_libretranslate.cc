// serve/routes_libretranslate.cc: LibreTranslate's API (its VERSION 1.9.6
// behaviour, ../shared/peers/libretranslate-api.md), so its clients work
// unmodified: POST /translate (JSON, or form fields merged with the query
// string), GET /languages, GET /frontend/settings. A model is chosen by its
// recorded languages (model file, or `--lang`); a multilingual model gets the
// target's tag. No language detection: source "auto" is a 400 saying so.
#include <set>

#include "serve/routes.h"

namespace tandem::serve {
namespace {

// LibreTranslate accepts pt-BR / zh-Hans in any case.
std::string normalized_code(std::string code) {
  for (auto& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return code;
}

// The request's fields: a JSON object, or the form body with the query string.
json fields_of(const httplib::Request& req) {
  const std::string type = req.get_header_value("Content-Type");
  if (type.rfind("application/json", 0) == 0 || type.find("+json") != std::string::npos) return json_body(req);
  json fields = json::object();
  for (const auto& [key, value] : req.params)  // form and query; the first value of a key wins
    if (!fields.contains(key)) fields[key] = value;
  for (const auto& [key, file] : req.files)
    if (!fields.contains(key) && file.filename.empty()) fields[key] = file.content;
  return fields;
}

std::string string_field(const json& fields, const char* key) {
  if (!fields.contains(key) || fields[key].is_null()) return "";
  if (!fields[key].is_string()) throw HttpError{400, std::string("Invalid request: ") + key + " must be a string"};
  return fields[key].get<std::string>();
}

bool missing(const json& fields, const char* key) {
  if (!fields.contains(key) || fields[key].is_null()) return true;
  const json& v = fields[key];
  return (v.is_string() && v.get<std::string>().empty()) || (v.is_array() && v.empty());
}

void translate(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  const json fields = fields_of(req);
  if (missing(fields, "q")) throw HttpError{400, "Invalid request: missing q parameter"};
  if (missing(fields, "source")) throw HttpError{400, "Invalid request: missing source parameter"};
  if (missing(fields, "target")) throw HttpError{400, "Invalid request: missing target parameter"};
  s.keys.check(req, fields);
  int alternatives = 0;
  if (fields.contains("alternatives")) {
    const json& a = fields["alternatives"];
    if (a.is_number_integer()) alternatives = a.get<int>();
    else if (a.is_string()) {
      try {
        alternatives = std::stoi(a.get<std::string>());
      } catch (const std::exception&) {
        throw HttpError{400, "Invalid request: alternatives parameter is not a number"};
      }
    } else throw HttpError{400, "Invalid request: alternatives parameter is not a number"};
    alternatives = std::max(0, std::min(alternatives, 10));
  }
  const bool batch = fields["q"].is_array();
  std::vector<std::string> texts = texts_of(fields["q"], "q", s.options);
  const std::string source = normalized_code(string_field(fields, "source"));
  const std::string target = normalized_code(string_field(fields, "target"));
  if (source == "auto")
    throw HttpError{400, "auto is not supported: this server does not detect languages (give the source language)"};
  const std::string format = string_field(fields, "format");
  if (!format.empty() && format != "text" && format != "html") throw HttpError{400, format + " format is not supported"};
  std::set<std::string> sources, targets;
  for (const auto& m : s.registry.models()) {
    sources.insert(m->languages.source);
    for (const auto& t : m->languages.targets) targets.insert(t.first);
  }
  if (!sources.count(source)) throw HttpError{400, source + " is not supported"};
  if (!targets.count(target)) throw HttpError{400, target + " is not supported"};
  std::string tag;
  ServedModel* m = s.registry.route(source, target, &tag);
  if (!m)
    throw HttpError{400, language_name(target) + " (" + target + ") is not available as a target language from " +
                             language_name(source) + " (" + source + ")"};
  if (!tag.empty())
    for (auto& t : texts)
      if (t.find_first_not_of(" \t\r\n") != std::string::npos) t = tag + " " + t;
  SearchOptions search = m->loaded.decode.search;
  if (alternatives > 0) {
    search.nbest = alternatives + 1;
    search.beam = std::max(search.beam, search.nbest);
  }
  const auto results = run_texts(s, *m, texts, search);
  json translated = json::array(), alternative_lists = json::array();
  for (const auto& r : results) {
    translated.push_back(r[0].text);
    json alts = json::array();
    for (size_t k = 1; k < r.size(); ++k)
      if (!r[k].text.empty() && r[k].text != r[0].text) alts.push_back(r[k].text);
    alternative_lists.push_back(alts);
  }
  json out = {{"translatedText", batch ? translated : translated[0]}};
  if (alternatives > 0) out["alternatives"] = batch ? alternative_lists : alternative_lists[0];
  send_json(res, 200, out);
}

void languages(ServerState& s, const httplib::Request&, httplib::Response& res) {
  // Every language the models know, each with the targets reachable from it
  // (none for a language that is only ever a target): clients check both
  // their source and their target against these codes.
  std::map<std::string, std::set<std::string>> targets;
  for (const auto& m : s.registry.models()) {
    if (m->languages.empty()) continue;
    auto& from = targets[m->languages.source];
    for (const auto& t : m->languages.targets) {
      from.insert(t.first);
      targets[t.first];
    }
  }
  json out = json::array();
  for (const auto& [code, codes] : targets)
    out.push_back({{"code", code}, {"name", language_name(code)},
                   {"targets", json(std::vector<std::string>(codes.begin(), codes.end()))}});
  send_json(res, 200, out);
}

void frontend_settings(ServerState& s, const httplib::Request&, httplib::Response& res) {
  std::string source = "en", target = "de";
  for (const auto& m : s.registry.models())
    if (!m->languages.empty()) {
      source = m->languages.source;
      target = m->languages.targets.front().first;
      break;
    }
  send_json(res, 200,
            {{"apiKeys", s.keys.enabled()},
             {"charLimit", s.options.max_chars},
             {"filesTranslation", false},
             {"frontendTimeout", 500},
             {"keyRequired", s.keys.enabled()},
             {"language",
              {{"source", {{"code", source}, {"name", language_name(source)}}},
               {"target", {{"code", target}, {"name", language_name(target)}}}}},
             {"suggestions", false},
             {"supportedFilesFormat", json::array()}});
}

}  // namespace

void add_libretranslate_routes(ServerState& s) {
  s.http.Post("/translate", routed(s, "/translate", translate));
  s.http.Get("/languages", routed(s, "/languages", languages));
  s.http.Get("/frontend/settings", routed(s, "/frontend/settings", frontend_settings));
}

}  // namespace tandem::serve
