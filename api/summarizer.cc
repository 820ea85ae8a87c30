#include "tandem/summarizer.h"

#include <cstring>

#include "api/guard.h"
#include "api/translator_impl.h"
#include "cli/output_file.h"
#include "io/line_reader.h"
#include "search/summarizer.h"

namespace tandem::api {

Summarizer::Summarizer(const std::string& model_path, const ModelOptions& options)
    : translator_(model_path, options) {}
Summarizer::~Summarizer() = default;
Summarizer::Summarizer(Summarizer&&) noexcept = default;
Summarizer& Summarizer::operator=(Summarizer&&) noexcept = default;

std::vector<std::string> Summarizer::summarize_batch(const std::vector<std::string>& documents,
                                                     const DecodeOptions& options,
                                                     std::vector<std::string>* notes) const {
  return guarded([&] {
    const Translator::Impl& impl = *translator_.impl_;
    const tandem::Translator translator = impl.translator(impl.decode_config(options));
    return tandem::Summarizer(translator).summarize(documents, nullptr, [&](const std::string& note) {
      if (notes) notes->push_back(note);
    });
  });
}

void Summarizer::summarize_file(const std::string& input, const std::string& output,
                                const DecodeOptions& options) const {
  require_file(input, "input");
  guarded([&] {
    cli::check_outputs_spare_inputs({{"output", output}}, {input, translator_.impl_->path});
    const Translator::Impl& impl = *translator_.impl_;
    const tandem::Translator translator = impl.translator(impl.decode_config(options));
    const tandem::Summarizer summarizer(translator);
    LineReader lines(input);
    cli::write_output(output, [&](std::ostream& out) {
      std::vector<std::string> documents;
      while (take_window(lines, 1024, -1, documents))
        for (const auto& s : summarizer.summarize(documents)) out << s << "\n";
      out.flush();
      TANDEM_CHECK(out) << output << ": write failed: " << std::strerror(errno);
    });
  });
}

}  // namespace tandem::api
