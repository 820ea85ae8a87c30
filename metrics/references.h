// metrics/references.h: one or several references per hypothesis, laid out as
// sacreBLEU takes them: streams[k][i] is reference k of line i. With several
// streams an empty line means "this line has no reference k" (sacreBLEU's
// variable number of references, signature nrefs:var).
#pragma once

#include <string>
#include <vector>

namespace tandem {

struct References {
  std::vector<std::vector<std::string>> streams;

  References() = default;
  explicit References(std::vector<std::vector<std::string>> s) : streams(std::move(s)) {}
  static References single(const std::vector<std::string>& refs) { return References({refs}); }

  // The references of line i: the non-empty ones (one empty one when it has none).
  std::vector<const std::string*> of_line(size_t i) const;
  // "nrefs:N", or "nrefs:var" when some line lacks a reference.
  std::string nrefs_field() const;
  // Throws unless every stream has `lines` lines and there is at least one.
  void check_lines(size_t lines) const;
};

}  // namespace tandem
