#include "metrics/references.h"

#include "core/error.h"

namespace tandem {

std::vector<const std::string*> References::of_line(size_t i) const {
  std::vector<const std::string*> out;
  for (const auto& s : streams)
    if (!s[i].empty()) out.push_back(&s[i]);
  if (out.empty()) out.push_back(&streams[0][i]);  // no reference at all: one empty one
  return out;
}

std::string References::nrefs_field() const {
  if (streams.size() > 1)
    for (size_t i = 0; !streams.empty() && i < streams[0].size(); ++i)
      for (const auto& s : streams)
        if (s[i].empty()) return "nrefs:var";
  return "nrefs:" + std::to_string(streams.size());
}

void References::check_lines(size_t lines) const {
  TANDEM_CHECK(!streams.empty()) << "no reference given";
  for (size_t k = 0; k < streams.size(); ++k)
    TANDEM_CHECK(streams[k].size() == lines)
        << "reference " << k + 1 << " has " << streams[k].size() << " lines, the hypotheses " << lines;
}

}  // namespace tandem
