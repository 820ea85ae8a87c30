// Harness: the model-file loader, structure-aware. Random bytes would mostly
// exercise HDF5's own parser; what tandem must survive is a well-formed HDF5
// file with hostile contents. So the input is a small program of edits applied
// through the HDF5 API to a valid tiny model file, which is then loaded (and
// its vocabulary parsed): a /config rewritten with fuzzed text or stored as an
// array of strings, a parameter replaced by a dataset of fuzzed rank and
// dimensions (up to 2^64 elements claimed; HDF5 allocates lazily) or of the
// wrong type, a missing parameter, a soft link that points at itself, a
// vocabulary blob that is not a SentencePiece model, a bad format_version;
// each program is applied to a float32 file and to an int8 export.
#include <hdf5.h>

#include <cstdint>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>

#include "../model/tiny_model.h"
#include "fuzz_harness.h"
#include "core/error.h"
#include "io/hdf5.h"
#include "io/model_file.h"
#include "tokenizer/tokenizer.h"

const char* fuzz_harness_name() { return "model_file"; }

const std::vector<std::string>& fuzz_dictionary() {
  static const std::vector<std::string> d = {"d_model: ", "heads: 0\n", "max_positions: 1\n",
                                             "d_model: 1000000000\n", "src_vocab_size: 16777216\n",
                                             "tie_embeddings: all\n", "positions: rope\n", "kv_heads: 3\n"};
  return d;
}

namespace {

struct Base {
  std::string bytes;
  std::vector<std::string> datasets;
};

Base make_base(bool int8) {
  Base b;
  tandem::Seq2Seq model(tandem::test::tiny_config(tandem::NormPlacement::Pre, tandem::TieEmbeddings::None,
                                                  tandem::Activation::Relu));
  model.init(1);
  if (int8) model.set_compute_type(tandem::ComputeType::Int8);  // an exported int8 file
  tandem::ModelFileMeta meta;
  meta.vocab_src = "not a sentencepiece model";
  const std::string path = fuzz_temp_path(int8 ? "-base8.h5" : "-base.h5");
  tandem::save_model(path, model, meta);
  std::ifstream in(path, std::ios::binary);
  b.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  b.datasets = tandem::H5File::open_read(path).datasets_under("/params");
  for (auto& n : b.datasets) n = "/params/" + n;
  return b;
}

// A float32 model file and an int8 export of it (its datasets include the
// weight_scale ones, which the edits then target too).
const Base& base_model(bool int8) {
  static const Base base = make_base(false), base8 = make_base(true);
  return int8 ? base8 : base;
}

class Program {
 public:
  Program(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  bool done() const { return p_ >= end_; }
  uint8_t byte() { return p_ < end_ ? *p_++ : 0; }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | byte();
    return v;
  }
  std::string text() {
    const size_t high = byte(), low = byte();  // read before measuring what is left
    const size_t n = std::min<size_t>(high * 4 + low % 4, static_cast<size_t>(end_ - p_));
    std::string s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return s;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

void replace_string(hid_t f, const char* name, const std::string& text, hsize_t count) {
  H5Ldelete(f, name, H5P_DEFAULT);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, std::max<size_t>(1, text.size()));
  const hid_t space = count == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &count, nullptr);
  const hid_t ds = H5Dcreate2(f, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (ds >= 0 && count == 1 && !text.empty()) H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data());
  if (ds >= 0) H5Dclose(ds);
  H5Sclose(space), H5Tclose(type);
}

void apply(hid_t f, Program& prog, const std::vector<std::string>& datasets) {
  for (int ops = 0; ops < 8 && !prog.done(); ++ops) {
    const std::string& target = datasets[prog.byte() % datasets.size()];
    switch (prog.byte() % 8) {
      case 0:
        replace_string(f, "/config", prog.text(), 1);
        break;
      case 1:
        replace_string(f, "/config", "d_model: 16", 2 + prog.byte() % 3);
        break;
      case 2: {  // fuzzed rank and dimensions, float32
        const int rank = prog.byte() % 4;
        hsize_t dims[3];
        for (int i = 0; i < rank; ++i) dims[i] = prog.u64() >> (prog.byte() % 64);
        H5Ldelete(f, target.c_str(), H5P_DEFAULT);
        const hid_t space = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, nullptr);
        if (space < 0) break;
        const hid_t ds = H5Dcreate2(f, target.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (ds >= 0) H5Dclose(ds);
        H5Sclose(space);
        break;
      }
      case 3: {  // right shape, wrong type
        const hid_t src = H5Dopen2(f, target.c_str(), H5P_DEFAULT);
        if (src < 0) break;
        const hid_t space = H5Dget_space(src);
        H5Dclose(src);
        H5Ldelete(f, target.c_str(), H5P_DEFAULT);
        const hid_t ds = H5Dcreate2(f, target.c_str(), H5T_STD_I8LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (ds >= 0) H5Dclose(ds);
        H5Sclose(space);
        break;
      }
      case 4:
        H5Ldelete(f, target.c_str(), H5P_DEFAULT);
        break;
      case 5:  // a soft link to itself
        H5Ldelete(f, target.c_str(), H5P_DEFAULT);
        H5Lcreate_soft(target.c_str(), f, target.c_str(), H5P_DEFAULT, H5P_DEFAULT);
        break;
      case 6: {  // vocabulary blob
        const std::string blob = prog.text();
        const hsize_t n = blob.size();
        H5Ldelete(f, "/vocab/src", H5P_DEFAULT);
        const hid_t space = H5Screate_simple(1, &n, nullptr);
        const hid_t ds = H5Dcreate2(f, "/vocab/src", H5T_STD_U8LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (ds >= 0 && n > 0) H5Dwrite(ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, blob.data());
        if (ds >= 0) H5Dclose(ds);
        H5Sclose(space);
        break;
      }
      default: {  // format_version attribute
        const std::string v = prog.text();
        H5Adelete(f, "format_version");
        const hid_t type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, std::max<size_t>(1, v.size()));
        const hid_t space = H5Screate(H5S_SCALAR);
        const hid_t a = H5Acreate2(f, "format_version", type, space, H5P_DEFAULT, H5P_DEFAULT);
        if (a >= 0 && !v.empty()) H5Awrite(a, type, v.data());
        if (a >= 0) H5Aclose(a);
        H5Sclose(space), H5Tclose(type);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = fuzz_temp_path(".h5");
  // The same edits on both files; a rejected one is an error, never a crash.
  std::exception_ptr rejected;
  for (const bool int8 : {false, true}) {
    const Base& base = base_model(int8);
    write_file(path, base.bytes);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0) return 0;
    Program prog(data, size);
    apply(f, prog, base.datasets);
    H5Fclose(f);
    try {
      tandem::ModelFileMeta meta;
      auto model = tandem::load_model(path, &meta);
      if (!meta.vocab_src.empty()) tandem::Tokenizer(meta.vocab_src, path + ": /vocab/src");
    } catch (const tandem::Error&) {
      if (!rejected) rejected = std::current_exception();  // reported after both passes
    }
  }
  if (rejected) std::rethrow_exception(rejected);
  return 0;
}
