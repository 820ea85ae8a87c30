// Harness: the text reader and the metrics on whatever a pipeline produces
// (invalid UTF-8, NUL bytes, CRLF, a BOM, long lines, shuffled words). The
// input is one file; its lines are split into hypotheses and references.
#include <cstdint>

#include "fuzz_harness.h"
#include "io/text_input.h"
#include "metrics/bleu.h"
#include "metrics/chrf.h"
#include "metrics/rouge.h"
#include "metrics/ter.h"

const char* fuzz_harness_name() { return "text"; }

const std::vector<std::string>& fuzz_dictionary() {
  static const std::vector<std::string> d = {"\n", "\r\n", "\xef\xbb\xbf", " ", "\t", "a a b\n",
                                             "a b c\n", "\xe2\x96\x81", "\xf0\x9f\x98\x80", "#Person1#: "};
  return d;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  tandem::find_invalid_utf8(bytes);
  static const std::string path = fuzz_temp_path(".txt");
  write_file(path, bytes);
  const auto lines = tandem::read_lines(path);  // throws on invalid UTF-8: a clean rejection
  const size_t half = lines.size() / 2;
  const std::vector<std::string> hyps(lines.begin(), lines.begin() + half);
  const std::vector<std::string> refs(lines.begin() + half, lines.begin() + 2 * half);
  tandem::corpus_bleu(hyps, refs);
  tandem::corpus_chrf(hyps, refs, 0);
  tandem::corpus_ter(hyps, refs);
  tandem::corpus_rouge(hyps, refs);
  for (size_t i = 0; i < half; ++i) tandem::sentence_bleu(hyps[i], refs[i]);
  return 0;
}
