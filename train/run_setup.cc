#include "train/run_setup.h"

#include <hdf5.h>
#include <sentencepiece_processor.h>
#include <yaml-cpp/yaml.h>

#include <Eigen/Core>
#include <algorithm>
#include <ctime>
#include <fstream>
#include <iterator>
#include <set>

#include "core/duration.h"
#include "core/error.h"
#include "core/sha256.h"
#include "io/line_reader.h"
#include "io/text_input.h"
#include "kernels/gemm.h"
#include "tokenizer/line_sample.h"
#include "tokenizer/vocab_trainer.h"
#include "train/distributed.h"
#include "version.h"

namespace tandem {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  TANDEM_CHECK(in) << path << ": cannot open";
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  TANDEM_CHECK(out) << path << ": cannot write";
}

// The text a vocabulary learns from: the source (without tags, which are
// reserved pieces anyway) or target lines of the split's pairs, each file once:
// a multilingual split repeats its source file per language, and reading it
// again would tilt the vocabulary towards that language.
void sample_lines(const DataSplit& split, bool source, std::set<std::string>& seen, LineSample& sample) {
  for (const auto& part : split) {
    const std::string& path = source ? part.src : part.tgt;
    if (path.empty() || !seen.insert(path).second) continue;  // no such side (denoise), or read already
    LineReader reader(path);  // streamed: only the sample stays in memory
    for (std::string line; reader.next(line);) sample.offer(std::move(line));
  }
}

// The lines a vocabulary is trained on: a seeded sample of at most
// vocab.sample_sentences lines of the files (all of them when they hold fewer).
std::vector<std::string> vocab_lines(const Recipe& r, bool source, bool target, std::set<std::string>& seen,
                                     const std::function<void(const std::string&)>& log) {
  LineSample sample(static_cast<size_t>(r.vocab.sample_sentences), r.training.seed);
  if (source) sample_lines(r.train, /*source=*/true, seen, sample);
  if (target) sample_lines(r.train, /*source=*/false, seen, sample);
  if (sample.sampled())
    log("vocabulary: training on a seeded sample of " + std::to_string(r.vocab.sample_sentences) + " of " +
        std::to_string(sample.seen()) + " lines (vocab.sample_sentences)");
  return sample.take();
}

}  // namespace

Vocabularies prepare_vocabularies(const Recipe& r, const std::string& run_dir,
                                  const std::function<void(const std::string&)>& log) {
  Vocabularies v;
  v.joint = r.vocab.joint;
  if (!r.vocab.model.empty()) {
    const std::string bytes = read_file(r.vocab.model);
    v.source = std::make_unique<Tokenizer>(bytes, r.vocab.model);
    v.target = std::make_unique<Tokenizer>(bytes, r.vocab.model);
    v.joint = true;
    log("vocabulary: reusing " + r.vocab.model + " (" + std::to_string(v.source->vocab_size()) + " pieces)");
    return v;
  }
  VocabOptions o;
  o.type = r.vocab.type;
  o.size = r.vocab.size;
  o.seed = static_cast<unsigned>(r.training.seed);
  // The lines come sampled already (vocab_lines); SentencePiece must not drop
  // more, and takes no limit of 100 or less.
  o.max_sentences = std::max(r.vocab.sample_sentences, 101);
  if (r.task == Task::Denoise) o.reserved = denoise_reserved_pieces(r.denoise);
  for (const auto& tag : split_tags(r.train)) o.reserved.push_back(tag);
  if (r.vocab.joint) {
    std::set<std::string> seen;  // one joint vocabulary: each file once, on either side
    const std::string bytes = train_vocab(vocab_lines(r, true, true, seen, log), o);
    if (!run_dir.empty()) write_file(run_dir + "/vocab.model", bytes);
    v.source = std::make_unique<Tokenizer>(bytes, "joint vocabulary");
    v.target = std::make_unique<Tokenizer>(bytes, "joint vocabulary");
    log("vocabulary: trained a joint " + o.type + " model, " + std::to_string(v.source->vocab_size()) +
        " pieces (" + (run_dir.empty() ? std::string("not written: dry run") : run_dir + "/vocab.model") + ")");
  } else {
    std::set<std::string> seen_src, seen_tgt;
    const std::string src = train_vocab(vocab_lines(r, true, false, seen_src, log), o);
    const std::string tgt = train_vocab(vocab_lines(r, false, true, seen_tgt, log), o);
    if (!run_dir.empty()) {
      write_file(run_dir + "/vocab.src.model", src);
      write_file(run_dir + "/vocab.tgt.model", tgt);
    }
    v.source = std::make_unique<Tokenizer>(src, "source vocabulary");
    v.target = std::make_unique<Tokenizer>(tgt, "target vocabulary");
    log("vocabulary: trained " + o.type + " models, " + std::to_string(v.source->vocab_size()) + " + " +
        std::to_string(v.target->vocab_size()) + " pieces");
  }
  return v;
}

Vocabularies vocabularies_from_meta(const ModelFileMeta& meta, const std::string& where) {
  Vocabularies v;
  v.joint = meta.joint_vocab || meta.vocab_tgt.empty();
  v.source = std::make_unique<Tokenizer>(meta.vocab_src, where + ": /vocab/src");
  v.target = std::make_unique<Tokenizer>(v.joint ? meta.vocab_src : meta.vocab_tgt, where + ": /vocab/tgt");
  return v;
}

std::map<std::string, std::string> data_checksums(const Recipe& r) {
  std::map<std::string, std::string> sums;
  for (const auto* split : {&r.train, &r.valid, &r.test})
    for (const auto& part : *split)
      for (const auto* f : {&part.src, &part.tgt})
        if (!f->empty() && !sums.count(*f)) sums[*f] = sha256_file(*f);
  return sums;
}

std::string run_config_document(const Recipe& r, const ModelConfig& model,
                                const std::map<std::string, std::string>& checksums,
                                const std::map<std::string, double>& results) {
  YAML::Node doc(YAML::NodeType::Map);
  doc["model"] = YAML::Load(model_config_to_yaml(model));
  doc["decode"] = YAML::Load(decode_config_to_yaml(r.decode));
  doc["recipe"] = YAML::Load(r.resolved_yaml);
  YAML::Node prov(YAML::NodeType::Map);
  prov["seed"] = r.training.seed;
  prov["vocab_sample_sentences"] = r.vocab.sample_sentences;  // the vocabulary's training sample, at most
  prov["tandem_version"] = kTandemVersion;
  prov["tandem_commit"] = kTandemCommit;
  prov["eigen"] = std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
                  std::to_string(EIGEN_MINOR_VERSION);
  // The libraries this process runs on (run-time versions where they tell).
  unsigned h5_major = 0, h5_minor = 0, h5_release = 0;
  H5get_libversion(&h5_major, &h5_minor, &h5_release);
  prov["hdf5"] = std::to_string(h5_major) + "." + std::to_string(h5_minor) + "." + std::to_string(h5_release);
  prov["yaml_cpp"] = kYamlCppVersion;
  prov["sentencepiece"] = kSentencePieceVersion;
  if (!onednn_version().empty()) prov["onednn"] = onednn_version();
  if (!dist::library_version().empty()) prov["mpi"] = dist::library_version();
  prov["date"] = utc_timestamp();
  YAML::Node data(YAML::NodeType::Map);
  for (const auto& [path, sum] : checksums) data[path] = "sha256:" + sum;
  prov["data"] = data;
  doc["provenance"] = prov;
  if (!results.empty()) {
    YAML::Node res(YAML::NodeType::Map);
    for (const auto& [k, v] : results) res[k] = v;
    doc["results"] = res;
  }
  YAML::Emitter out;
  out << doc;
  return std::string(out.c_str()) + "\n";
}

ModelFileMeta run_meta(const Recipe& r, const ModelConfig& model, const Vocabularies& v,
                       const std::map<std::string, std::string>& checksums,
                       const std::map<std::string, double>& results) {
  ModelFileMeta meta;
  meta.config_yaml = run_config_document(r, model, checksums, results);
  meta.vocab_src = v.source->bytes();
  meta.joint_vocab = v.joint;
  if (!v.joint) meta.vocab_tgt = v.target->bytes();
  return meta;
}

}  // namespace tandem
