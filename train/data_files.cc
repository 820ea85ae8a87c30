#include "train/data_files.h"

#include <algorithm>

#include "io/text_input.h"
#include "tokenizer/tokenizer.h"

namespace tandem {

std::string DataFiles::label() const {
  if (is_language_tag(tag)) return tag.substr(2, tag.size() - 4);
  if (!tag.empty()) return tag;
  const size_t slash = tgt.find_last_of('/');
  return slash == std::string::npos ? tgt : tgt.substr(slash + 1);
}

std::vector<std::string> split_tags(const DataSplit& split) {
  std::vector<std::string> tags;
  for (const auto& part : split)
    if (!part.tag.empty() && std::find(tags.begin(), tags.end(), part.tag) == tags.end()) tags.push_back(part.tag);
  return tags;
}

std::vector<std::string> source_files(const DataSplit& split) {
  std::vector<std::string> files;
  for (const auto& part : split) files.push_back(part.src);
  return files;
}

std::vector<std::string> read_source_lines(const DataFiles& files) {
  std::vector<std::string> lines = read_lines(files.src);
  if (!files.tag.empty())
    for (auto& line : lines) line = files.tag + " " + line;
  return lines;
}

}  // namespace tandem
