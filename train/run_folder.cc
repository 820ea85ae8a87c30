#include "train/run_folder.h"

#include <dirent.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/paths.h"
#include "train/checkpoint.h"

namespace tandem {
namespace {

constexpr const char* kFinishedRecord = "finished.yaml";

// What a run writes directly in its folder.
const char* const kRunFiles[] = {"metrics.tsv",     "valid.tsv",       "model.h5", "test.hyp",
                                 "test_scores.tsv", "vocab.model",     "vocab.src.model",
                                 "vocab.tgt.model", kFinishedRecord};

// The model files under checkpoints/ (last.h5 and the periodic ones).
std::vector<std::string> checkpoint_files(const std::string& folder) {
  std::vector<std::string> found;
  DIR* d = opendir((folder + "/checkpoints").c_str());
  if (!d) return found;
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() > 3 && name.compare(name.size() - 3, 3, ".h5") == 0) found.push_back("checkpoints/" + name);
  }
  closedir(d);
  return found;
}

}  // namespace

std::vector<std::string> run_files_in(const std::string& folder) {
  std::vector<std::string> found;
  for (const char* name : kRunFiles)
    if (path_exists(folder + "/" + name)) found.push_back(name);
  for (const auto& f : checkpoint_files(folder)) found.push_back(f);
  return found;
}

void claim_run_folder(const std::string& folder, bool resume, bool overwrite) {
  if (resume) return;
  const auto found = run_files_in(folder);
  if (found.empty()) return;
  if (!overwrite) {
    std::string list;
    for (size_t i = 0; i < found.size() && i < 4; ++i) list += (i ? ", " : "") + found[i];
    if (found.size() > 4) list += ", ... (" + std::to_string(found.size()) + " files)";
    TANDEM_FAIL() << folder << " already holds a run (" << list
                  << "): --resume to continue it, --overwrite to replace it, or another output folder "
                     "(--set output=DIR)";
  }
  for (const auto& f : found) {
    const std::string path = folder + "/" + f;
    TANDEM_CHECK(std::remove(path.c_str()) == 0)
        << path << ": cannot remove for --overwrite: " << std::strerror(errno);
  }
}

void write_finished_record(const std::string& folder, const std::map<std::string, double>& results) {
  write_text_atomically(folder + "/" + kFinishedRecord, [&](std::ostream& out) {
    out << "# tandem train: this run finished (model.h5, test outputs and scores written)\n";
    out << "finished: true\n";
    out << "model: model.h5\n";
    out << "results:\n";
    out.precision(10);
    for (const auto& [key, value] : results) out << "  " << key << ": " << value << "\n";
  });
}

bool run_finished(const std::string& folder) {
  std::ifstream in(folder + "/" + kFinishedRecord);
  for (std::string line; std::getline(in, line);)
    if (line == "finished: true") return true;
  return false;
}

}  // namespace tandem
