#include "search/summarizer.h"

namespace tandem {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && is_space(s[a])) ++a;
  while (b > a && is_space(s[b - 1])) --b;
  return s.substr(a, b - a);
}

}  // namespace

std::vector<std::string> split_sentences(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    const std::string t = trim(current);
    if (!t.empty()) out.push_back(t);
    current.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    // A dialogue turn tag starts a new sentence.
    if (text.compare(i, 7, "#Person") == 0 && !trim(current).empty()) flush();
    current += text[i];
    const char c = text[i];
    if (c == '.' || c == '!' || c == '?') {
      size_t j = i + 1;
      while (j < text.size() && (text[j] == '"' || text[j] == '\'' || text[j] == ')' || text[j] == ']'))
        current += text[j++];
      if (j >= text.size() || is_space(text[j])) flush();
      i = j - 1;
    }
  }
  flush();
  return out;
}

std::vector<std::string> pack_sentences(const std::vector<std::string>& sentences, int max_tokens,
                                        const std::function<int(const std::string&)>& count_tokens) {
  std::vector<std::string> pieces;
  std::string current;
  for (const auto& s : sentences) {
    const std::string joined = current.empty() ? s : current + " " + s;
    if (!current.empty() && count_tokens(joined) > max_tokens) {
      pieces.push_back(current);
      current = s;
    } else {
      current = joined;
    }
  }
  if (!current.empty()) pieces.push_back(current);
  return pieces;
}

std::vector<std::string> Summarizer::summarize(const std::vector<std::string>& documents,
                                               const Translator::Progress& progress,
                                               const Translator::Warn& log) const {
  const int limit = translator_.max_source_tokens();
  auto count = [&](const std::string& s) { return translator_.count_tokens(s); };
  std::vector<std::string> summaries(documents.size());
  // Documents that fit are decoded together, in batches.
  std::vector<std::string> whole;
  std::vector<size_t> whole_index;
  for (size_t d = 0; d < documents.size(); ++d) {
    if (count(documents[d]) <= limit) {
      whole.push_back(documents[d]);
      whole_index.push_back(d);
    }
  }
  const auto results = translator_.translate(whole, progress, log);
  for (size_t i = 0; i < whole.size(); ++i) summaries[whole_index[i]] = results[i][0].text;

  // Long documents: split, summarize the pieces, repeat while the result is too long.
  for (size_t d = 0; d < documents.size(); ++d) {
    std::string text = documents[d];
    for (int round = 1; count(text) > limit; ++round) {
      const auto pieces = pack_sentences(split_sentences(text), limit, count);
      if (log)
        log("document " + std::to_string(d + 1) + ": " + std::to_string(count(text)) +
            " tokens exceed the model's " + std::to_string(limit) + "; round " +
            std::to_string(round) + " summarizes " + std::to_string(pieces.size()) +
            " pieces separately");
      std::string joined;
      for (const auto& r : translator_.translate(pieces, nullptr, log))
        if (!r[0].text.empty()) joined += (joined.empty() ? "" : " ") + r[0].text;
      if (count(joined) >= count(text)) {  // no progress: keep what we have
        if (log) log("document " + std::to_string(d + 1) + ": piece summaries no shorter; stopping");
        text = joined;
        break;
      }
      text = joined;
      if (count(text) <= limit) {
        summaries[d] = text;
        break;
      }
    }
    if (count(documents[d]) > limit && summaries[d].empty()) summaries[d] = text;
  }
  return summaries;
}

}  // namespace tandem
