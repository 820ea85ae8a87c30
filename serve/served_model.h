// serve/served_model.h: a model the server answers for: its weights,
// vocabularies, stored decode settings, languages, and the batch scheduler
// that decodes the sentences of all requests for it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/loaded_model.h"
#include "model/languages.h"
#include "serve/batch_scheduler.h"
#include "serve/metrics.h"

namespace tandem {

struct ServedModel {
  std::string name, path;
  cli::LoadedModel loaded;
  ModelLanguages languages;
  std::unique_ptr<BatchScheduler> scheduler;
};

class ModelRegistry {
 public:
  // specs: "NAME=PATH" or "PATH" (named after the file); languages: per name,
  // "en:de" for models whose file records none; compute_type: float32, int8,
  // bfloat16, or "" for each file's own.
  ModelRegistry(const std::vector<std::string>& specs, const std::vector<std::string>& languages,
                const std::string& compute_type, const SchedulerOptions& options, ServerMetrics& metrics);
  // The model of that name ("" = the first); null when none.
  ServedModel* find(const std::string& name);
  // The model translating source into target (and the tag asking for it); null when none.
  ServedModel* route(const std::string& source, const std::string& target, std::string* tag);
  const std::vector<std::unique_ptr<ServedModel>>& models() const { return models_; }
  long long queued() const;

 private:
  std::vector<std::unique_ptr<ServedModel>> models_;
};

}  // namespace tandem
