// Model file: round trip, h5py-visible layout, and the errors a damaged or
// mismatched file must produce (naming the dataset and the shapes).
#include "io/model_file.h"

#include <cstdio>
#include <fstream>

#include "../model/tiny_model.h"
#include "../test_util.h"
#include "io/atomic_file.h"
#include "io/hdf5.h"

namespace tandem {
namespace {

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "tandem_" + name + ".h5";
}

using test::error_of;

TEST(ModelFile, RoundTripGivesIdenticalOutputs) {
  for (auto tie : {TieEmbeddings::None, TieEmbeddings::Decoder, TieEmbeddings::All}) {
    Seq2Seq model(test::tiny_config(NormPlacement::Pre, tie, Activation::Relu));
    model.init(17);
    ModelFileMeta meta;
    meta.vocab_src = std::string("\x01\x02\x00\x03", 4);
    meta.joint_vocab = true;
    const std::string path = temp_path("roundtrip");
    save_model(path, model, meta);
    ModelFileMeta back;
    auto loaded = load_model(path, &back);
    EXPECT_EQ(back.vocab_src, meta.vocab_src);
    EXPECT_TRUE(back.joint_vocab);
    EXPECT_EQ(back.vocab_tgt, meta.vocab_src) << "/vocab/tgt links to /vocab/src";
    const Batch batch = test::tiny_batch();
    Matrix a, b;
    model.forward(batch, a, nullptr, nullptr);
    loaded->forward(batch, b, nullptr, nullptr);
    test::expect_close(b, a, 0, 0, "logits after reload");
    std::remove(path.c_str());
  }
}

// Logits of the first two decoding steps for the tiny batch's sources.
Matrix decode_logits(const Seq2Seq& model) {
  const Batch batch = test::tiny_batch();
  Matrix memory, logits, first;
  model.encode(batch.src, batch.src_shape, memory);
  DecoderState state;
  model.start_decoding(memory, batch.src_shape, 4, state);
  const Ids bos(batch.src_shape.batch, 1);
  model.decode_step(bos, state, first);
  model.decode_step(Ids(batch.src_shape.batch, 2), state, logits);
  Matrix both(first.rows() + logits.rows(), logits.cols());
  both << first, logits;
  return both;
}

// An int8 export read back is the very model that was written: same integers,
// same scales, same logits bit for bit.
TEST(ModelFile, Int8ExportRoundTripIsExact) {
  for (auto tie : {TieEmbeddings::None, TieEmbeddings::All}) {
    Seq2Seq model(test::tiny_config(NormPlacement::Pre, tie, Activation::Relu));
    model.init(23);
    Seq2Seq float_model(model.config());
    float_model.init(23);
    model.set_compute_type(ComputeType::Int8);
    const std::string path = temp_path("int8");
    save_model(path, model, {});
    const H5File f = H5File::open_read(path);
    EXPECT_EQ(f.attr("compute_type"), "int8");
    EXPECT_TRUE(f.is_int8("/params/encoder/layers/0/fc1/weight"));
    EXPECT_FALSE(f.is_int8("/params/encoder/layers/0/fc1/bias"));
    ModelFileMeta meta;
    auto loaded = load_model(path, &meta);
    EXPECT_EQ(meta.compute_type, ComputeType::Int8);
    EXPECT_EQ(loaded->compute_type(), ComputeType::Int8);
    int int8_weights = 0;
    for (size_t i = 0; i < model.params().size(); ++i) {
      const Param& a = *model.params()[i].param;
      const Param& b = *loaded->params()[i].param;
      EXPECT_EQ((a.value - b.value).cwiseAbs().maxCoeff(), 0.f) << model.params()[i].name;
      ASSERT_EQ(a.packed != nullptr, b.packed != nullptr) << model.params()[i].name;
      if (!a.packed) continue;
      ++int8_weights;
      EXPECT_EQ(a.packed->int8_weights().values, b.packed->int8_weights().values);
      EXPECT_EQ(a.packed->int8_weights().scales, b.packed->int8_weights().scales);
    }
    EXPECT_GT(int8_weights, 10);
    const Matrix before = decode_logits(model), after = decode_logits(*loaded);
    test::expect_close(after, before, 0, 0, "int8 logits after reload");
    // And close to, but not the same as, the float32 model.
    const Matrix exact = decode_logits(float_model);
    EXPECT_GT((exact - before).cwiseAbs().maxCoeff(), 0.f);
    test::expect_close(before, exact, 0.25, 0.1, "int8 vs float32 logits");
    std::remove(path.c_str());
  }
}

// Replaces dataset `name` of an existing file by `values` of HDF5 type `type`.
template <typename T>
void replace_dataset(const std::string& path, const std::string& name, hid_t type,
                     const std::vector<T>& values) {
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  ASSERT_GE(H5Ldelete(f, name.c_str(), H5P_DEFAULT), 0);
  const hsize_t n = values.size();
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const hid_t ds = H5Dcreate2(f, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  H5Dclose(ds);
  H5Sclose(space);
  H5Fclose(f);
}

TEST(ModelFile, DamagedInt8FilesAreErrors) {
  Seq2Seq model(test::tiny_config(NormPlacement::Pre, TieEmbeddings::All, Activation::Relu));
  model.init(5);
  model.set_compute_type(ComputeType::Int8);
  const std::string path = temp_path("int8_damaged");
  const int d = model.config().d_model, ffn = model.config().ffn_dim;

  save_model(path, model, {});
  replace_dataset(path, "/params/encoder/layers/0/fc1/bias", H5T_NATIVE_INT8, std::vector<int8_t>(ffn, 1));
  EXPECT_NE(error_of([&] { load_model(path); }).find("fc1/bias: int8 data where float32 is expected"),
            std::string::npos);

  save_model(path, model, {});
  std::vector<float> scales(ffn, 0.1f);
  scales[3] = -1.f;
  replace_dataset(path, "/params/encoder/layers/0/fc1/weight_scale", H5T_NATIVE_FLOAT, scales);
  EXPECT_NE(error_of([&] { load_model(path); }).find("weight_scale: scale -1 is not a finite value >= 0"),
            std::string::npos);

  save_model(path, model, {});
  replace_dataset(path, "/params/encoder/layers/0/fc1/weight_scale", H5T_NATIVE_FLOAT,
                  std::vector<float>(ffn + 1, 0.1f));
  EXPECT_NE(error_of([&] { load_model(path); }).find("fc1/weight_scale: shape"), std::string::npos);
  (void)d;
  std::remove(path.c_str());
}

TEST(ModelFile, LayoutUsesDocumentedNames) {
  Seq2Seq model(test::tiny_config(NormPlacement::Pre, TieEmbeddings::Decoder, Activation::Relu));
  model.init(1);
  const std::string path = temp_path("layout");
  save_model(path, model, {});
  const H5File f = H5File::open_read(path);
  EXPECT_EQ(f.attr("format"), "tandem");
  EXPECT_EQ(f.attr("format_version"), kFormatVersion);
  EXPECT_FALSE(f.attr("created").empty());
  EXPECT_TRUE(f.exists("/config"));
  EXPECT_EQ(*f.dims("/params/encoder/layers/0/self_attn/q_proj/weight"),
            (std::vector<hsize_t>{16, 16}));
  EXPECT_EQ(*f.dims("/params/decoder/layers/1/encoder_attn/k_proj/bias"),
            (std::vector<hsize_t>{16}));
  EXPECT_EQ(*f.dims("/params/decoder/output_projection/weight"), (std::vector<hsize_t>{13, 16}))
      << "tied name resolves through its soft link";
  std::remove(path.c_str());
}

// Writes a model file, then rewrites one dataset through the raw HDF5 API.
void damage(const std::string& path, const std::string& dataset, bool remove_it) {
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  ASSERT_GE(H5Ldelete(f, dataset.c_str(), H5P_DEFAULT), 0);
  if (!remove_it) {
    const hsize_t dims[2] = {16, 8};
    const hid_t space = H5Screate_simple(2, dims, nullptr);
    const hid_t ds = H5Dcreate2(f, dataset.c_str(), H5T_IEEE_F32LE, space, H5P_DEFAULT,
                                H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(ds);
    H5Sclose(space);
  }
  H5Fclose(f);
}

TEST(ModelFile, WrongShapeIsNamed) {
  Seq2Seq model(test::tiny_config(NormPlacement::Pre, TieEmbeddings::None, Activation::Relu));
  const std::string path = temp_path("shape");
  save_model(path, model, {});
  damage(path, "/params/decoder/layers/1/encoder_attn/k_proj/weight", false);
  EXPECT_EQ(error_of([&] { load_model(path); }),
            path + ": /params/decoder/layers/1/encoder_attn/k_proj/weight: shape [16,8], "
                   "expected [16,16]");
  std::remove(path.c_str());
}

TEST(ModelFile, MissingDatasetIsNamed) {
  Seq2Seq model(test::tiny_config(NormPlacement::Post, TieEmbeddings::None, Activation::Relu));
  const std::string path = temp_path("missing");
  save_model(path, model, {});
  damage(path, "/params/encoder/layers/1/fc2/bias", true);
  EXPECT_EQ(error_of([&] { load_model(path); }),
            path + ": missing dataset /params/encoder/layers/1/fc2/bias");
  std::remove(path.c_str());
}

TEST(ModelFile, NotHdf5AndMissingFile) {
  const std::string path = temp_path("text");
  std::ofstream(path) << "hello\n";
  EXPECT_EQ(error_of([&] { load_model(path); }), path + ": not an HDF5 file");
  std::remove(path.c_str());
  EXPECT_EQ(error_of([&] { load_model(path); }),
            path + ": cannot open (no such file or not readable)");
}

TEST(ModelFile, FailedWriteLeavesPreviousFileIntact) {
  Seq2Seq model(test::tiny_config(NormPlacement::Pre, TieEmbeddings::None, Activation::Relu));
  model.init(2);
  const std::string path = temp_path("atomic");
  save_model(path, model, {});
  // A model with a duplicated param name fails halfway through writing.
  EXPECT_THROW(write_atomically(path,
                                [&](const std::string& tmp) {
                                  H5File f = H5File::create(tmp);
                                  f.write_bytes("/x", "abc");
                                  f.write_bytes("/x", "abc");  // second create fails
                                }),
               Error);
  EXPECT_NO_THROW(load_model(path));
  std::remove(path.c_str());
}

// Replaces /config with an array of two fixed-length strings: read as one
// string it once overflowed the buffer sized for a single element.
TEST(ModelFile, ConfigAsStringArrayIsAnError) {
  Seq2Seq model(test::tiny_config(NormPlacement::Pre, TieEmbeddings::None, Activation::Relu));
  const std::string path = temp_path("config_array");
  save_model(path, model, {});
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  ASSERT_GE(H5Ldelete(f, "/config", H5P_DEFAULT), 0);
  const hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, 8);
  const hsize_t two = 2;
  const hid_t space = H5Screate_simple(1, &two, nullptr);
  const hid_t ds = H5Dcreate2(f, "/config", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const char text[16] = "d_model: 16\0\0\0";
  H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text);
  H5Dclose(ds), H5Sclose(space), H5Tclose(type), H5Fclose(f);
  EXPECT_EQ(error_of([&] { load_model(path); }), path + ": /config holds 2 strings, expected one");
  std::remove(path.c_str());
}

// A file whose /config asks for a model far larger than the values it holds
// is refused before that model is allocated.
TEST(ModelFile, ConfigLargerThanTheStoredValuesIsRefused) {
  Seq2Seq model(test::tiny_config(NormPlacement::Pre, TieEmbeddings::None, Activation::Relu));
  ModelConfig big = model.config();
  big.d_model = 4096;
  big.heads = 16;
  big.ffn_dim = 16384;
  big.encoder_layers = big.decoder_layers = 12;
  ModelFileMeta meta;
  meta.config_yaml = config_document(big);
  const std::string path = temp_path("config_big");
  save_model(path, model, meta);
  const std::string message = error_of([&] { load_model(path); });
  EXPECT_EQ(message.find(path + ": /params holds "), 0u) << message;
  EXPECT_NE(message.find(" values, but the model in /config needs at least "), std::string::npos)
      << message;
  // The lower bound never refuses a real file: every tying of a tiny model loads.
  for (auto tie : {TieEmbeddings::None, TieEmbeddings::Decoder, TieEmbeddings::All}) {
    Seq2Seq m(test::tiny_config(NormPlacement::Post, tie, Activation::Relu));
    save_model(path, m, {});
    EXPECT_NO_THROW(load_model(path));
  }
  std::remove(path.c_str());
}

// A config whose parameters would not fit in memory is refused before any
// allocation, with both sizes in the message.
TEST(ModelFile, ConfigTooLargeForTheMachineIsRefused) {
  ModelConfig c = test::tiny_config(NormPlacement::Pre, TieEmbeddings::None, Activation::Relu);
  c.d_model = 65536;
  c.heads = 64;
  c.ffn_dim = 1 << 20;
  c.src_vocab_size = c.tgt_vocab_size = 1 << 24;
  const std::string message = error_of([&] { c.validate("big.yaml"); });
  EXPECT_NE(message.find("big.yaml: needs "), std::string::npos) << message;
  EXPECT_NE(message.find(" TB for its parameters, the machine has "), std::string::npos) << message;
}

}  // namespace
}  // namespace tandem
