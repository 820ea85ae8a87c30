#include "train/run_log.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <sstream>
#include <vector>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/paths.h"

namespace tandem {
namespace {

// Keeps the header and the rows whose first column (the update) is <= update,
// rewriting the file atomically: a crash mid-rewrite leaves the old file.
void truncate_after(const std::string& path, long long update) {
  std::ifstream in(path);
  if (!in) return;
  std::vector<std::string> kept;
  std::string line;
  for (long long number = 1; std::getline(in, line); ++number) {
    if (kept.empty()) {
      kept.push_back(line);
      continue;
    }
    const std::string first = line.substr(0, line.find('\t'));
    char* end = nullptr;
    errno = 0;
    const long long row_update = first.empty() ? -1 : std::strtoll(first.c_str(), &end, 10);
    TANDEM_CHECK(!first.empty() && end && *end == '\0' && errno == 0 && row_update >= 0)
        << path << ":" << number << ": expected an update number in the first column, got \"" << first
        << "\" (the file was edited or damaged; fix or remove the line, then resume)";
    if (row_update <= update) kept.push_back(line);
  }
  TANDEM_CHECK(in.eof()) << path << ": read failed";
  in.close();
  write_text_atomically(path, [&](std::ostream& out) {
    for (const auto& l : kept) out << l << "\n";
  });
}

void open(std::ofstream& f, const std::string& path, const char* header, long long resume_update) {
  const bool exists = path_exists(path);
  if (exists && resume_update >= 0) {
    truncate_after(path, resume_update);
    f.open(path, std::ios::app);
  } else {
    f.open(path, std::ios::trunc);
    f << header << "\n" << std::flush;
  }
  TANDEM_CHECK(f) << path << ": cannot write: " << std::strerror(errno);
}

// A log row that did not reach the file is an error, not a silently short log.
void check_written(const std::ofstream& f, const char* name) {
  TANDEM_CHECK(f) << name << ": write failed (" << std::strerror(errno)
                  << "; the disk may be full); the run stops here, its last checkpoint is intact";
}

}  // namespace

void RunLog::open_files(const std::string& dir, long long resume_update, bool rouge) {
  open(metrics_, dir + "/metrics.tsv",
       "update\tepoch\tloss\tppl\tlr\tgrad_norm\ttgt_tokens\ttgt_tok_per_s\telapsed_s\teta_s",
       resume_update);
  const std::string valid_header =
      std::string("update\tepoch\tvalid_loss\tvalid_ppl\tbleu\tchrf\telapsed_s") + (rouge ? "\trouge" : "");
  open(valid_, dir + "/valid.tsv", valid_header.c_str(), resume_update);
}

void RunLog::train(const TrainRow& r) {
  if (quiet_) return;
  char line[512];
  std::snprintf(line, sizeof line, "%lld\t%d\t%.4f\t%.2f\t%.3e\t%.3f\t%lld\t%.0f\t%.1f\t%.0f", r.update,
                r.epoch, r.loss, r.ppl, r.lr, r.grad_norm, r.tgt_tokens, r.tgt_tok_per_s, r.elapsed_s,
                r.eta_s);
  metrics_ << line << "\n" << std::flush;
  check_written(metrics_, "metrics.tsv");
  std::snprintf(line, sizeof line,
                "update %lld | epoch %d | loss %.3f | ppl %.2f | lr %.2e | gnorm %.2f | %.0f tgt tok/s | %s "
                "elapsed | ETA %s",
                r.update, r.epoch, r.loss, r.ppl, r.lr, r.grad_norm, r.tgt_tok_per_s,
                human_duration(r.elapsed_s).c_str(), human_duration(r.eta_s).c_str());
  message(line);
}

void RunLog::valid(const ValidRecord& v, double elapsed_s) {
  if (quiet_) return;
  char line[256];
  std::snprintf(line, sizeof line, "%lld\t%d\t%.4f\t%.2f\t%.2f\t%.2f\t%.1f", v.update, v.epoch, v.loss,
                v.ppl, v.bleu, v.chrf, elapsed_s);
  char rouge[32] = "";
  if (v.rouge >= 0) std::snprintf(rouge, sizeof rouge, "%.2f", v.rouge);
  valid_ << line << (v.rouge >= 0 ? std::string("\t") + rouge : std::string()) << "\n" << std::flush;
  check_written(valid_, "valid.tsv");
  std::snprintf(line, sizeof line, "validation at update %lld | loss %.3f | ppl %.2f | BLEU %.2f | chrF %.2f",
                v.update, v.loss, v.ppl, v.bleu, v.chrf);
  message(std::string(line) + (v.rouge >= 0 ? std::string(" | ROUGE ") + rouge : std::string()));
}

void RunLog::message(const std::string& text) {
  if (quiet_) return;
  char stamp[32];
  const std::time_t t = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%H:%M:%S", std::localtime(&t));
  std::cerr << "[" << stamp << "] " << text << std::endl;
}

}  // namespace tandem
