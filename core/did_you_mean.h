// core/did_you_mean.h: the nearest valid name for a misspelt one (edit distance).
#pragma once

#include <string>
#include <vector>

namespace tandem {

// Returns the candidate with the smallest Levenshtein distance if it is close
// enough to be a plausible typo (at most a third of the word), else "".
std::string nearest_name(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace tandem
