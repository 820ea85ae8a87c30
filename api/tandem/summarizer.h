// tandem/summarizer.h: summaries of documents of any length, the library face
// of `tandem summarize` (documents too long for the model are split at
// sentence boundaries, the pieces summarized, and the result summarized again).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tandem/translator.h"

namespace tandem::api {

class Summarizer {
 public:
  explicit Summarizer(const std::string& model_path, const ModelOptions& options = {});
  ~Summarizer();
  Summarizer(Summarizer&&) noexcept;
  Summarizer& operator=(Summarizer&&) noexcept;

  // One summary per document, in order. `notes` (optional) receives what the
  // command line prints on stderr (documents split into pieces).
  std::vector<std::string> summarize_batch(const std::vector<std::string>& documents,
                                           const DecodeOptions& options = {},
                                           std::vector<std::string>* notes = nullptr) const;
  // `tandem summarize -i input -o output`, the same bytes.
  void summarize_file(const std::string& input, const std::string& output, const DecodeOptions& options = {}) const;

 private:
  Translator translator_;
};

}  // namespace tandem::api
