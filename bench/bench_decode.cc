// bench/bench_decode.cc: decoding throughput of a model file on a text file,
// one configuration per process (so peak RSS belongs to that configuration).
// Every hypothesis is forced to exactly --out-len tokens (EOS banned before,
// forced after), so that tandem and the PyTorch script do the same work.
// Sentences are decoded in input order in groups of --batch-size.
//   bench_decode MODEL.h5 INPUT.txt BEAM BATCH_SIZE THREADS OUT_LEN [MAX_SENTENCES]
// Prints one tab-separated line: sentences, seconds, sentences/s, generated tok/s, peak RSS MB,
// decoder self-attention cache bytes per hypothesis and target token.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "core/allocator.h"
#include "core/threads.h"
#include "io/model_file.h"
#include "io/text_input.h"
#include "search/beam_search.h"
#include "tokenizer/tokenizer.h"

int main(int argc, char** argv) {
  tandem::keep_freed_memory_for_reuse();
  using namespace tandem;
  if (argc < 7) {
    std::fprintf(stderr, "usage: bench_decode MODEL.h5 INPUT.txt BEAM BATCH THREADS OUT_LEN [MAX_SENTENCES]\n");
    return 2;
  }
  const int beam = std::stoi(argv[3]), batch = std::stoi(argv[4]), threads = std::stoi(argv[5]);
  const int out_len = std::stoi(argv[6]);
  set_threads(threads);
  ModelFileMeta meta;
  const auto model = load_model(argv[1], &meta);
  const Tokenizer tok(meta.vocab_src, argv[1]);
  auto lines = read_lines(argv[2]);
  if (argc > 7) lines.resize(std::min<size_t>(lines.size(), std::stoul(argv[7])));
  std::vector<Ids> sources;
  for (const auto& l : lines) {
    Ids ids = tok.encode(l);
    ids.push_back(tok.eos_id());
    sources.push_back(ids);
  }
  SearchOptions o;
  o.beam = beam;
  o.length_penalty = 0.6f;
  o.min_len = out_len;
  o.max_len_a = 0;
  o.max_len_b = out_len + 1;
  const SpecialIds ids{tok.pad_id(), tok.bos_id(), tok.eos_id()};
  long long generated = 0;
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < sources.size(); i += batch) {
    const std::vector<Ids> group(sources.begin() + i, sources.begin() + std::min(sources.size(), i + batch));
    for (const auto& nbest : decode_batch(*model, group, o, ids)) generated += static_cast<long long>(nbest[0].tokens.size()) + 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf("%zu\t%.2f\t%.1f\t%.0f\t%.0f\t%lld\n", sources.size(), seconds, sources.size() / seconds,
              generated / seconds, ru.ru_maxrss / 1024.0,
              static_cast<long long>(model->config().kv_cache_bytes_per_token()));
  return 0;
}
