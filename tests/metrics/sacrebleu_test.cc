// Every row of the shared sacreBLEU 2.6.0 vectors (testdata/sacrebleu/expected.tsv:
// 9 hypothesis variants x BLEU, lowercased BLEU, chrF, chrF++, TER and five
// sentence BLEUs), reproduced to 0.01 with the same signature.
#include <fstream>
#include <sstream>

#include "../test_util.h"
#include "io/text_input.h"
#include "metrics/bleu.h"
#include "metrics/chrf.h"
#include "metrics/ter.h"

namespace tandem {
namespace {

std::string testdata_dir() {
  const char* env = std::getenv("TANDEM_TESTDATA");
  return std::string(env ? env : TANDEM_TESTDATA_DEFAULT) + "/sacrebleu";
}

TEST(Sacrebleu, ReproducesEveryRow) {
  const std::string dir = testdata_dir();
  std::ifstream tsv(dir + "/expected.tsv");
  ASSERT_TRUE(tsv) << dir << "/expected.tsv not found (set TANDEM_TESTDATA)";
  const auto refs = read_lines(dir + "/ref.txt");
  std::string line;
  std::getline(tsv, line);  // header
  int rows = 0;
  std::string cached_variant;
  std::vector<std::string> hyps;
  while (std::getline(tsv, line)) {
    std::stringstream in(line);
    std::string variant, metric, score_text, signature;
    std::getline(in, variant, '\t');
    std::getline(in, metric, '\t');
    std::getline(in, score_text, '\t');
    std::getline(in, signature, '\t');
    if (variant != cached_variant) {
      hyps = read_lines(dir + "/hyp." + variant + ".txt");
      cached_variant = variant;
    }
    ASSERT_EQ(hyps.size(), refs.size()) << variant;
    MetricScore got;
    if (metric == "bleu") got = corpus_bleu(hyps, refs, false);
    else if (metric == "bleu_lc") got = corpus_bleu(hyps, refs, true);
    else if (metric == "chrf") got = corpus_chrf(hyps, refs, 0);
    else if (metric == "chrf++") got = corpus_chrf(hyps, refs, 2);
    else if (metric == "ter") got = corpus_ter(hyps, refs);
    else if (metric.rfind("sentence_bleu[", 0) == 0) {
      const int i = std::stoi(metric.substr(14));
      got = sentence_bleu(hyps[i], refs[i]);
    } else {
      FAIL() << "unknown metric " << metric;
    }
    EXPECT_NEAR(got.score, std::stod(score_text), 0.01) << variant << " " << metric;
    EXPECT_EQ(got.signature, signature) << variant << " " << metric;
    ++rows;
  }
  EXPECT_EQ(rows, 90);
}

TEST(Bleu, Tokenize13a) {
  EXPECT_EQ(tokenize_13a("Hello, world. 3.14 is pi-ish; 1-2 (ok)!"),
            "Hello , world . 3.14 is pi-ish ; 1 - 2 ( ok ) !");
  EXPECT_EQ(tokenize_13a("a &amp; b &quot;c&quot;"), "a & b \" c \"");
}

TEST(Ter, KnownAnswers) {
  auto words = [](const std::string& s) {
    std::vector<std::string> w;
    std::stringstream in(s);
    std::string x;
    while (in >> x) w.push_back(x);
    return w;
  };
  EXPECT_EQ(translation_edits(words("a b c d"), words("a b c d")), std::make_pair(0, 4));
  EXPECT_EQ(translation_edits(words("a b x d"), words("a b c d")), std::make_pair(1, 4));
  // One block shift fixes "c d a b" -> "a b c d".
  EXPECT_EQ(translation_edits(words("c d a b"), words("a b c d")), std::make_pair(1, 4));
  EXPECT_EQ(translation_edits({}, words("a b")), std::make_pair(2, 2));
  EXPECT_EQ(translation_edits(words("a b"), {}), std::make_pair(2, 0));
}

}  // namespace
}  // namespace tandem
