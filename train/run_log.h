// train/run_log.h: the training log: a line on stderr every log_every updates
// and a row in RUN/metrics.tsv; validation rows in RUN/valid.tsv. On resume
// rows past the resumed update are dropped, so the files match the run.
#pragma once

#include <fstream>
#include <string>

#include "core/duration.h"
#include "train/checkpoint.h"

namespace tandem {

struct TrainRow {
  long long update;
  int epoch;
  double loss, ppl, lr, grad_norm;
  long long tgt_tokens;
  double tgt_tok_per_s, elapsed_s, eta_s;
};

class RunLog {
 public:
  // Messages only; files are opened by open_files().
  RunLog() = default;
  // Opens both files fresh, or (resume_update >= 0) continues them after
  // dropping rows beyond resume_update. rouge: valid.tsv has a rouge column
  // (summarization: the mean F1 of ROUGE-1, -2 and -L).
  void open_files(const std::string& run_dir, long long resume_update, bool rouge = false);
  void train(const TrainRow& row);
  void valid(const ValidRecord& r, double elapsed_s);
  void message(const std::string& text);  // stderr, with a time stamp
  // Every rank of a distributed job but rank 0 logs nothing.
  void set_quiet(bool quiet) { quiet_ = quiet; }

 private:
  bool quiet_ = false;
  std::ofstream metrics_, valid_;
};

}  // namespace tandem
