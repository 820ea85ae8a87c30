// core/sha256.h: SHA-256 of a file, for data provenance in model files
// (the same digests the shared data README lists).
#pragma once

#include <string>

namespace tandem {

std::string sha256_hex(const std::string& bytes);
std::string sha256_file(const std::string& path);  // throws naming the file if unreadable

}  // namespace tandem
