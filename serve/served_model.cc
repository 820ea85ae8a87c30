#include "serve/served_model.h"

#include <filesystem>

#include "core/error.h"

namespace tandem {

ModelRegistry::ModelRegistry(const std::vector<std::string>& specs, const std::vector<std::string>& languages,
                             const std::string& compute_type, const SchedulerOptions& options,
                             ServerMetrics& metrics) {
  TANDEM_CHECK(!specs.empty()) << "-m: give at least one model (-m MODEL.h5 or -m NAME=MODEL.h5)";
  for (const auto& spec : specs) {
    auto m = std::make_unique<ServedModel>();
    const size_t eq = spec.find('=');
    m->path = eq == std::string::npos ? spec : spec.substr(eq + 1);
    m->name = eq == std::string::npos ? std::filesystem::path(spec).stem().string() : spec.substr(0, eq);
    TANDEM_CHECK(!m->name.empty() && m->name.find_first_of(" \t/\"") == std::string::npos)
        << "-m " << spec << ": a model name without spaces, slashes or quotes";
    for (const auto& other : models_) TANDEM_CHECK(other->name != m->name) << "-m: model " << m->name << " given twice";
    m->loaded = cli::load_for_decoding(m->path);
    // Packed for decoding as translate does: the file's type, or --compute-type.
    cli::prepare_compute_type(m->loaded, compute_type, "--compute-type");
    m->languages = languages_from_config(m->loaded.meta.config_yaml, m->path + ": /config");
    models_.push_back(std::move(m));
  }
  for (const auto& spec : languages) {
    const size_t eq = spec.find('=');
    TANDEM_CHECK(eq != std::string::npos) << "--lang " << spec << ": expected NAME=SOURCE:TARGET";
    ServedModel* m = find(spec.substr(0, eq));
    TANDEM_CHECK(m && !spec.substr(0, eq).empty()) << "--lang " << spec << ": no model named " << spec.substr(0, eq);
    m->languages = parse_languages_option(spec.substr(eq + 1), "--lang " + spec);
  }
  for (auto& m : models_) {
    for (const auto& [code, tag] : m->languages.targets)
      TANDEM_CHECK(tag.empty() || m->loaded.source->piece_id(tag) >= 0)
          << m->path << ": languages: tag " << tag << " of " << code << " is not a piece of the vocabulary";
    m->scheduler = std::make_unique<BatchScheduler>(
        *m->loaded.model, *m->loaded.source, *m->loaded.target, options,
        [&metrics](int sentences, int tokens) { metrics.batch(sentences, tokens); });
  }
}

ServedModel* ModelRegistry::find(const std::string& name) {
  if (name.empty()) return models_.empty() ? nullptr : models_.front().get();
  for (auto& m : models_)
    if (m->name == name) return m.get();
  return nullptr;
}

ServedModel* ModelRegistry::route(const std::string& source, const std::string& target, std::string* tag) {
  for (auto& m : models_)
    if (m->languages.source == source && m->languages.tag_for(target, tag)) return m.get();
  return nullptr;
}

long long ModelRegistry::queued() const {
  long long n = 0;
  for (const auto& m : models_) n += m->scheduler->queued();
  return n;
}

}  // namespace tandem
