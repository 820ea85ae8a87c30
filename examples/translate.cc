// examples/translate.cc: tandem as a C++ library. Translates its arguments
// (or stdin, a line at a time) with a model file, prints each best
// translation and its score, then scores the first translation as given.
//   build: find_package(tandem) + target_link_libraries(app tandem::tandem),
//          or: c++ translate.cc $(pkg-config --cflags --libs tandem)
//   run:   ./translate model.h5 "A dog runs on the grass."
#include <iostream>
#include <string>
#include <vector>

#include <tandem/tandem.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " MODEL.h5 [SENTENCE ...]   (no sentence: read stdin)\n";
    return 2;
  }
  std::vector<std::string> sources(argv + 2, argv + argc);
  if (sources.empty())
    for (std::string line; std::getline(std::cin, line);) sources.push_back(line);
  try {
    tandem::api::ModelOptions model;
    model.threads = 2;
    const tandem::api::Translator translator(argv[1], model);
    tandem::api::DecodeOptions decode;
    decode.beam = 4;
    const auto results = translator.translate_batch(sources, decode);
    for (const auto& nbest : results) std::cout << nbest[0].text << "\t" << nbest[0].score << "\n";
    if (!results.empty()) {
      const auto given = translator.score_batch({sources[0]}, {results[0][0].text});
      std::cout << "score of the first translation, given: " << given[0].log_prob << " (log-probability), "
                << given[0].score << " (normalized)\n";
    }
  } catch (const tandem::api::Error& e) {
    std::cerr << argv[0] << ": " << e.what() << "\n";
    return 1;
  }
  std::cout << "tandem " << TANDEM_VERSION_STRING << "\n";
  return 0;
}
