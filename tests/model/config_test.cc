// Model config parsing: presets, every error path, and the YAML round trip.
#include "model/config.h"

#include <yaml-cpp/yaml.h>

#include "../test_util.h"
#include "core/error.h"
#include "model/presets.h"

namespace tandem {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    ModelConfig c;
    parse_model_config(YAML::Load(yaml), "m.yaml", c);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ModelConfig, PresetsMatchDesign) {
  const ModelConfig small = resolve_model_config("transformer-small");
  EXPECT_EQ(small.d_model, 256);
  EXPECT_EQ(small.heads, 4);
  EXPECT_EQ(small.ffn_dim, 1024);
  EXPECT_EQ(small.encoder_layers, 3);
  EXPECT_EQ(small.decoder_layers, 3);
  const ModelConfig base = resolve_model_config("transformer-base");
  EXPECT_EQ(base.d_model, 512);
  EXPECT_EQ(base.encoder_layers, 6);
  const ModelConfig bart = resolve_model_config("bart-style");
  EXPECT_EQ(bart.positions, Positions::Learned);
  EXPECT_EQ(bart.norm, NormPlacement::Post);
  EXPECT_TRUE(bart.embedding_norm);
  EXPECT_EQ(bart.ffn_activation, Activation::Gelu);
  const ModelConfig t5 = resolve_model_config("t5-style");
  EXPECT_EQ(t5.positions, Positions::Relative);
  EXPECT_EQ(t5.norm_type, NormType::RmsNorm);
  EXPECT_EQ(t5.relative_buckets, 32);
}

TEST(ModelConfig, VariantsAreValidatedBeforeUse) {
  ModelConfig c = resolve_model_config("transformer-small");
  c.src_vocab_size = c.tgt_vocab_size = 50;
  c.kv_heads = 3;  // does not divide 4
  try {
    c.validate("r.yaml");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("model.kv_heads 3 does not divide model.heads 4"),
              std::string::npos)
        << e.what();
  }
  c.kv_heads = 1;
  EXPECT_NO_THROW(c.validate("r.yaml"));
  c.positions = Positions::Rope;
  c.heads = 2;
  c.kv_heads = 0;
  c.d_model = 6;  // head dimension 3: rope needs pairs
  EXPECT_THROW(c.validate("r.yaml"), Error);
  EXPECT_NE(error_of("positions: absolute\n").find("sinusoidal | learned | rope | alibi | relative"),
            std::string::npos);
}

TEST(ModelConfig, PositionLimitOnlyForTables) {
  ModelConfig c;
  c.max_positions = 16;
  EXPECT_EQ(c.position_limit(), 16);
  c.positions = Positions::Learned;
  EXPECT_EQ(c.position_limit(), 16);
  for (auto p : {Positions::Rope, Positions::Alibi, Positions::Relative}) {
    c.positions = p;
    EXPECT_GT(c.position_limit(), 1 << 20);
  }
}

TEST(ModelConfig, UnknownPresetSuggestsNearest) {
  try {
    resolve_model_config("transformer-smal");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean `transformer-small`"), std::string::npos)
        << e.what();
  }
}

TEST(ModelConfig, ErrorsNameKeyLineAndValue) {
  EXPECT_EQ(error_of("d_model: 64\nheds: 4\n"),
            "m.yaml:2: model.heds: unknown key (did you mean `heads`?)");
  EXPECT_EQ(error_of("d_model: big\n"), "m.yaml:1: model.d_model: expected an integer, got \"big\"");
  EXPECT_EQ(error_of("dropout: 1.5\n"), "m.yaml:1: model.dropout: 1.5 is out of range [0, 0.99]");
  EXPECT_EQ(error_of("norm: middle\n"),
            "m.yaml:1: model.norm: expected one of pre | post, got \"middle\"");
  EXPECT_EQ(error_of("heads: [1, 2]\n"), "m.yaml:1: model.heads: expected an integer, got a list");
  // max_positions 1 leaves no room for a token and EOS (it once divided by zero).
  EXPECT_EQ(error_of("max_positions: 1\n"),
            "m.yaml:1: model.max_positions: 1 is out of range [2, 1048576]");
  EXPECT_EQ(error_of("d_model: 64\nheads: 4\nd_model: 32\n"),
            "m.yaml:3: model.d_model: given twice (first at line 1)");
  const std::string mapping_key = error_of("{a: 1}: 2\n");
  EXPECT_NE(mapping_key.find("m.yaml:1"), std::string::npos) << mapping_key;
  EXPECT_EQ(mapping_key.find("internal"), std::string::npos) << mapping_key;
}

TEST(ModelConfig, ValidateRejectsIndivisibleHeads) {
  ModelConfig c;
  c.d_model = 10;
  c.heads = 4;
  c.src_vocab_size = c.tgt_vocab_size = 5;
  EXPECT_THROW(c.validate("x"), Error);
  c.heads = 5;
  EXPECT_NO_THROW(c.validate("x"));
  c.tie_embeddings = TieEmbeddings::All;
  c.tgt_vocab_size = 6;
  EXPECT_THROW(c.validate("x"), Error);
  c.tgt_vocab_size = 5;
  c.max_positions = 1;  // set in code, not parsed: validate catches it too
  EXPECT_THROW(c.validate("x"), Error);
}

TEST(ModelConfig, YamlRoundTrip) {
  ModelConfig c = resolve_model_config("transformer-small");
  c.norm = NormPlacement::Post;
  c.ffn_activation = Activation::Gelu;
  c.src_vocab_size = 100;
  c.tgt_vocab_size = 120;
  c.tie_embeddings = TieEmbeddings::Decoder;
  c.kv_heads = 2;
  c.positions = Positions::Relative;
  c.norm_type = NormType::RmsNorm;
  c.embedding_norm = true;
  c.sliding_window = 8;
  ModelConfig back;
  parse_model_config(YAML::Load(model_config_to_yaml(c)), "rt", back);
  EXPECT_EQ(model_config_to_yaml(back), model_config_to_yaml(c));
  EXPECT_EQ(back.norm, NormPlacement::Post);
  EXPECT_EQ(back.tgt_vocab_size, 120);
}

}  // namespace
}  // namespace tandem
