// tests/fuzz/fuzz_harness.h: what each harness tells the driver.
#pragma once

#include <string>
#include <vector>

// A short name for messages and crash files ("recipe", "model_file", ...).
const char* fuzz_harness_name();
// Tokens the mutator inserts (keys, keywords of the format).
const std::vector<std::string>& fuzz_dictionary();

// A file under the system temp folder, unique to this process, for harnesses
// whose code under test reads paths.
std::string fuzz_temp_path(const std::string& suffix);
void write_file(const std::string& path, const std::string& bytes);
