// tests/fuzz/fuzz_driver.cc: a seeded mutation fuzzer for the harnesses in
// this folder (each defines LLVMFuzzerTestOneInput, so libFuzzer can drive
// them too). It replays every file of the corpus folders given (the seeds and
// every crasher found so far, kept as regression inputs), then runs --runs
// mutations of them: bit flips, byte edits, inserted and deleted runs,
// splices of two inputs, interesting integers and the harness's dictionary.
// Inputs are rejected or accepted by the code under test; a crash, a
// sanitizer report or an exception other than tandem::Error is a finding:
// the input is written to --crashers (default: ./fuzz-crash-<harness>-<n>)
// before the process dies.
//   fuzz_X [--runs N] [--seed S] [--max-len B] [--crashers DIR] CORPUS_DIR...
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::string g_crash_path;  // where the current input goes if the process dies
const std::string* g_current = nullptr;

void save_current_input() {
  if (!g_current) return;
  const int fd = open(g_crash_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  ssize_t ignored = write(fd, g_current->data(), g_current->size());
  (void)ignored;
  close(fd);
  static const char note[] = "fuzz: the input that failed is in the crash file\n";
  ignored = write(2, note, sizeof note - 1);
}

void on_fatal_signal(int sig) {
  save_current_input();
  signal(sig, SIG_DFL);
  raise(sig);
}

extern "C" void __sanitizer_set_death_callback(void (*)(void)) __attribute__((weak));

std::vector<std::string> read_corpus(const std::vector<std::string>& dirs) {
  std::vector<std::string> inputs;
  for (const auto& dir : dirs) {
    DIR* d = opendir(dir.c_str());
    if (!d) continue;
    std::vector<std::string> names;
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    closedir(d);
    std::sort(names.begin(), names.end());  // a fixed order: runs repeat with the seed
    for (const auto& n : names) {
      std::ifstream in(dir + "/" + n, std::ios::binary);
      inputs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  if (inputs.empty()) inputs.emplace_back();
  return inputs;
}

class Mutator {
 public:
  Mutator(uint64_t seed, size_t max_len) : rng_(seed), max_len_(max_len) {}

  std::string mutate(const std::vector<std::string>& corpus) {
    std::string s = corpus[pick(corpus.size())];
    const int edits = 1 + static_cast<int>(pick(6));
    for (int e = 0; e < edits; ++e) edit(s, corpus);
    if (s.size() > max_len_) s.resize(max_len_);
    return s;
  }

 private:
  size_t pick(size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng_() % n); }

  void edit(std::string& s, const std::vector<std::string>& corpus) {
    static const char* kInteresting[] = {"0", "-1", "1", "-2147483648", "2147483647", "4294967296",
                                         "1000000000", "1e30", "nan", "inf", "-0", "999999999999",
                                         "\xff\xfe", "\xef\xbb\xbf", "\r\n", "\0", "\xc0\x80",
                                         "\xed\xa0\x80", "\xf4\x90\x80\x80", "{", "[", ": ", "- "};
    const auto& dict = fuzz_dictionary();
    switch (pick(8)) {
      case 0:  // flip a bit
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1 << pick(8));
        break;
      case 1:  // set a byte
        if (!s.empty()) s[pick(s.size())] = static_cast<char>(pick(256));
        break;
      case 2:  // delete a run
        if (!s.empty()) {
          const size_t at = pick(s.size());
          s.erase(at, 1 + pick(std::min<size_t>(32, s.size() - at)));
        }
        break;
      case 3:  // duplicate a run (long lines, repeated keys)
        if (!s.empty()) {
          const size_t at = pick(s.size()), len = 1 + pick(std::min<size_t>(64, s.size() - at));
          const std::string run = s.substr(at, len);
          for (size_t k = 1 + pick(8); k > 0 && s.size() < max_len_; --k) s.insert(at, run);
        }
        break;
      case 4: {  // an interesting value
        const char* v = kInteresting[pick(sizeof kInteresting / sizeof *kInteresting)];
        s.insert(pick(s.size() + 1), std::string(v, std::max<size_t>(1, std::strlen(v))));
        break;
      }
      case 5:  // a dictionary token of the harness
        if (!dict.empty()) s.insert(pick(s.size() + 1), dict[pick(dict.size())]);
        break;
      case 6: {  // splice with another input
        const std::string& other = corpus[pick(corpus.size())];
        const size_t cut = pick(s.size() + 1), from = pick(other.size() + 1);
        s = s.substr(0, cut) + other.substr(from);
        break;
      }
      default:  // replace a digit run with another number
        for (size_t i = 0; i < s.size(); ++i) {
          if (s[i] >= '0' && s[i] <= '9' && pick(4) == 0) {
            size_t j = i;
            while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
            s.replace(i, j - i, std::to_string(static_cast<long long>(rng_()) >> pick(60)));
            break;
          }
        }
    }
  }

  std::mt19937_64 rng_;
  size_t max_len_;
};

}  // namespace

int main(int argc, char** argv) {
  long long runs = 10000;
  uint64_t seed = 1;
  size_t max_len = 4096;
  std::string crash_dir = ".";
  std::vector<std::string> dirs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--runs" && i + 1 < argc) runs = std::stoll(argv[++i]);
    else if (a == "--seed" && i + 1 < argc) seed = std::stoull(argv[++i]);
    else if (a == "--max-len" && i + 1 < argc) max_len = std::stoull(argv[++i]);
    else if (a == "--crashers" && i + 1 < argc) crash_dir = argv[++i];
    else dirs.push_back(a);
  }
  const std::string name = fuzz_harness_name();
  g_crash_path = crash_dir + "/fuzz-crash-" + name + "-seed" + std::to_string(seed);
  for (int sig : {SIGSEGV, SIGABRT, SIGFPE, SIGBUS, SIGILL}) signal(sig, on_fatal_signal);
  if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(save_current_input);

  std::vector<std::string> corpus = read_corpus(dirs);
  long long accepted = 0, rejected = 0;
  auto run_one = [&](const std::string& input) {
    g_current = &input;
    try {
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
      ++accepted;
    } catch (const tandem::Error&) {
      ++rejected;  // a clear error: what bad input should get
    } catch (const std::exception& e) {
      std::fprintf(stderr, "fuzz %s: unexpected exception: %s\n", name.c_str(), e.what());
      save_current_input();
      std::exit(1);
    }
    g_current = nullptr;
  };
  const auto start = std::chrono::steady_clock::now();
  for (const auto& input : corpus) run_one(input);
  Mutator mutator(seed, max_len);
  for (long long r = 0; r < runs; ++r) run_one(mutator.mutate(corpus));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "fuzz %s: %lld executions (%zu corpus inputs + %lld mutations) in %.1f s, %lld accepted, "
              "%lld rejected with an error, 0 crashes\n",
              name.c_str(), accepted + rejected, corpus.size(), runs, seconds, accepted, rejected);
  return 0;
}
