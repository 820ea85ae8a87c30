// train/run_folder.h: what a run leaves in its OUTPUT folder, read before a
// new run may write there. A folder that holds a run is never written over by
// accident: `tandem train` refuses it unless told --resume (continue it) or
// --overwrite (replace it). A run that has fully finished (final model, test
// outputs and scores written) leaves a record, RUN/finished.yaml, written last
// and atomically: a stage is done when its record says so, not when some file
// happens to exist.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace tandem {

// The files of an earlier run in `folder` ("metrics.tsv", "checkpoints/last.h5", ...).
std::vector<std::string> run_files_in(const std::string& folder);

// Throws, naming the folder and what is in it, when it holds a run and neither
// resume nor overwrite was asked. With overwrite, removes those files (only
// what tandem writes: other files in the folder are left alone).
void claim_run_folder(const std::string& folder, bool resume, bool overwrite);

// The record of a finished run: its results (test scores, updates, ...).
void write_finished_record(const std::string& folder, const std::map<std::string, double>& results);
bool run_finished(const std::string& folder);

}  // namespace tandem
