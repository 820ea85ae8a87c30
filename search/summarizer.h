// search/summarizer.h: summaries of documents of any length. A document that
// fits the model's source positions is decoded as is. A longer one is split at
// sentence boundaries into pieces that fit, each piece is summarized, and the
// piece summaries are joined; if the joined text is still too long for the
// model it goes through the same procedure again. Every split is reported.
#pragma once

#include <string>
#include <vector>

#include "search/translator.h"

namespace tandem {

// Sentences: text up to and including [.!?] (plus closing quotes/brackets)
// followed by whitespace, and dialogue turns starting with "#Person" tags.
std::vector<std::string> split_sentences(const std::string& text);

// Groups consecutive sentences into pieces of at most max_tokens tokens, as
// measured by count_tokens. A sentence longer than that becomes its own piece
// (the translator then cuts it at token boundaries, and says so).
std::vector<std::string> pack_sentences(const std::vector<std::string>& sentences, int max_tokens,
                                        const std::function<int(const std::string&)>& count_tokens);

class Summarizer {
 public:
  explicit Summarizer(const Translator& translator) : translator_(translator) {}

  std::vector<std::string> summarize(const std::vector<std::string>& documents,
                                     const Translator::Progress& progress = nullptr,
                                     const Translator::Warn& log = nullptr) const;

 private:
  const Translator& translator_;
};

}  // namespace tandem
