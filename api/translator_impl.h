// api/translator_impl.h: what a tandem::api::Translator holds: the loaded
// model and its settings; each call builds its pipeline from them.
#pragma once

#include "cli/loaded_model.h"
#include "search/translator.h"
#include "tandem/translator.h"

namespace tandem::api {

struct Translator::Impl {
  Impl(const std::string& path, const ModelOptions& options);
  // The model's decode settings with the call's options over them (checked).
  DecodeConfig decode_config(const DecodeOptions& o) const;
  // A pipeline for one call, on the calling thread's threads setting.
  tandem::Translator translator(const DecodeConfig& c) const;
  // Decodes `input` (tagged when o.tag is set) window by window into emit.
  void stream(InputSource& input, const DecodeOptions& o, int window, const tandem::Translator::Sink& emit) const;

  std::string path;  // the model file: no output may replace it
  cli::LoadedModel loaded;
  ModelOptions options;
};

}  // namespace tandem::api
