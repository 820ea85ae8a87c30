// PackedWeight: the fast (oneDNN, pre-packed) product against the plain-loop
// reference with the same arithmetic, and each compute type against the fp32
// product within its rounding bound; known answers for int8 quantization and
// bf16 rounding.
#include "kernels/packed_weight.h"

#include <omp.h>

#include <cmath>
#include <limits>

#include "../test_util.h"
#include "core/error.h"

namespace tandem {
namespace {

TEST(Quantize, KnownRow) {
  Matrix w(2, 3);
  w << 1.f, -2.f, 0.5f, 0.f, 0.f, 0.f;
  const QuantizedRows q = quantize_rows(w);
  EXPECT_FLOAT_EQ(q.scales[0], 2.f / 127.f);
  EXPECT_EQ(q.row(0)[0], 64);  // 63.5 rounds half away from zero
  EXPECT_EQ(q.row(0)[1], -127);
  EXPECT_EQ(q.row(0)[2], 32);  // 31.75
  EXPECT_EQ(q.scales[1], 0.f);
  Matrix negative(1, 2);
  negative << -0.5f, 127.f;
  EXPECT_EQ(quantize_rows(negative).row(0)[0], -1);  // -0.5 steps: away from zero
  EXPECT_EQ(q.row(1)[0], 0);
  const Matrix back = dequantize_rows(q);
  EXPECT_FLOAT_EQ(back(0, 1), -2.f);
  EXPECT_NEAR(back(0, 0), 1.f, q.scales[0] / 2);
  // Quantizing the dequantized matrix gives the same integers back.
  const QuantizedRows again = quantize_rows(back);
  EXPECT_EQ(again.values, q.values);
}

TEST(Quantize, NonFiniteRowGivesNanScale) {
  Matrix w(1, 3);
  w << 1.f, std::numeric_limits<float>::quiet_NaN(), 2.f;
  const QuantizedRows q = quantize_rows(w);
  EXPECT_TRUE(std::isnan(q.scales[0]));
  EXPECT_EQ(q.row(0)[0], 0);
}

// A row whose largest magnitude is below FLT_MIN: 127 / max overflows float
// to infinity, and the int casts of inf (or of 0 * inf = NaN) are undefined.
// The integers must be those of the same row scaled into the normal range.
TEST(Quantize, SubnormalRowKeepsItsShape) {
  const float tiny = std::numeric_limits<float>::denorm_min();
  float row[4] = {1e-40f, -5e-41f, 0.f, 100 * tiny};
  int8_t out[4] = {1, 1, 1, 1};
  const float scale = quantize_row(row, 4, out);
  EXPECT_EQ(out[0], 127);
  EXPECT_EQ(out[1], -64);  // -63.5 rounds away from zero
  EXPECT_EQ(out[2], 0);
  EXPECT_EQ(out[3], static_cast<int8_t>(std::lround(127.0 * 100 * tiny / 1e-40)));
  EXPECT_TRUE(std::isfinite(scale));
  EXPECT_GT(scale, 0.f);
  EXPECT_NEAR(out[1] * scale, -5e-41f, 1e-42f);
  // The smallest row there is: one denormal step.
  float smallest[2] = {tiny, -tiny};
  EXPECT_TRUE(std::isfinite(quantize_row(smallest, 2, out)));
  EXPECT_EQ(out[0], 127);
  EXPECT_EQ(out[1], -127);
}

TEST(BFloat16, RoundsToNearestEven) {
  EXPECT_EQ(to_bfloat16(1.f), 0x3f80);
  EXPECT_EQ(to_bfloat16(1.00390625f), 0x3f80);  // halfway, even stays
  EXPECT_EQ(to_bfloat16(1.01171875f), 0x3f82);  // halfway, odd rounds up
  EXPECT_EQ(to_bfloat16(-2.f), 0xc000);
  EXPECT_FLOAT_EQ(from_bfloat16(to_bfloat16(3.140625f)), 3.140625f);
  EXPECT_TRUE(std::isnan(from_bfloat16(to_bfloat16(std::numeric_limits<float>::quiet_NaN()))));
}

struct Shape {
  int rows, in, out;
};

class PackedWeightTest : public ::testing::TestWithParam<std::tuple<ComputeType, Shape>> {};

// x as a block inside a wider matrix, as attention and the decoder hand it over.
Matrix wide_input(int rows, int in, uint64_t seed) { return test::random_matrix(rows, in + 5, seed); }

TEST_P(PackedWeightTest, FastMatchesReference) {
  const auto [type, s] = GetParam();
  const Matrix w = test::random_matrix(s.out, s.in, 11);
  const Matrix wide = wide_input(s.rows, s.in, 12);
  const auto x = wide.block(0, 2, s.rows, s.in);
  const Matrix bias = test::random_matrix(1, s.out, 13);
  const PackedWeight packed(w, type);
  for (const float* b : {static_cast<const float*>(nullptr), bias.data()}) {
    Matrix fast(s.rows, s.out), ref(s.rows, s.out);
    packed.multiply(x, fast, b);
    packed.multiply_ref(x, ref, b);
    // int8 sums are exact integers; bf16 ones differ only in summation order,
    // so their error grows with the length of the sums (|x|,|w| <= 1).
    const double atol = type == ComputeType::Int8 ? 1e-6 : 1e-6 * s.in;
    test::expect_close(fast, ref, atol, 1e-5, compute_type_name(type));
  }
}

TEST_P(PackedWeightTest, CloseToFloat32WithinRoundingBound) {
  const auto [type, s] = GetParam();
  const Matrix w = test::random_matrix(s.out, s.in, 21);
  const Matrix x = test::random_matrix(s.rows, s.in, 22);
  const PackedWeight packed(w, type);
  Matrix y(s.rows, s.out);
  packed.multiply(x, y);
  const Matrix exact = x * w.transpose();
  for (int r = 0; r < s.rows; ++r) {
    const double x_scale = x.row(r).cwiseAbs().maxCoeff() / 127.0;
    for (int j = 0; j < s.out; ++j) {
      const double w_scale = w.row(j).cwiseAbs().maxCoeff() / 127.0;
      const double abs_dot = x.row(r).cwiseAbs().dot(w.row(j).cwiseAbs());
      // int8: each operand is off by at most half its step; bf16: 2^-9 relative each.
      const double bound = type == ComputeType::Int8
                               ? x_scale / 2 * w.row(j).cwiseAbs().sum() +
                                     w_scale / 2 * x.row(r).cwiseAbs().sum() +
                                     x_scale * w_scale / 4 * s.in + 1e-5
                               : 2.5 * std::ldexp(1.0, -9) * abs_dot + 1e-5;
      ASSERT_LE(std::abs(y(r, j) - exact(r, j)), bound) << "row " << r << " col " << j;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    TypesAndShapes, PackedWeightTest,
    ::testing::Combine(::testing::Values(ComputeType::Int8, ComputeType::BFloat16),
                       ::testing::Values(Shape{1, 7, 5}, Shape{3, 256, 1000}, Shape{37, 64, 130},
                                         Shape{130, 256, 256}, Shape{600, 33, 17})),
    [](const auto& info) {
      const Shape s = std::get<1>(info.param);
      return compute_type_name(std::get<0>(info.param)) + "_" + std::to_string(s.rows) + "x" +
             std::to_string(s.in) + "x" + std::to_string(s.out);
    });

TEST(PackedWeight, StoredInt8WeightsAreUsedExactly) {
  const Matrix w = test::random_matrix(40, 24, 31);
  QuantizedRows q = quantize_rows(w);
  q.values[5] = 100;  // a value quantize_rows would not produce from w
  const PackedWeight packed(q);
  EXPECT_EQ(packed.int8_weights().values, q.values);
  const Matrix x = test::random_matrix(9, 24, 32);
  Matrix fast(9, 40), from_dequantized(9, 40);
  packed.multiply(x, fast);
  // The same product through fp32 on the dequantized weights, up to x's rounding.
  PackedWeight(dequantize_rows(q), ComputeType::Int8).multiply(x, from_dequantized);
  test::expect_close(fast, from_dequantized, 1e-5, 1e-5, "stored int8");
}

TEST(PackedWeight, WorksInsideParallelRegions) {
  const Matrix w = test::random_matrix(300, 128, 41);
  const PackedWeight packed(w, ComputeType::Int8);
  const Matrix x = test::random_matrix(64, 128, 42);
  Matrix ref(64, 300);
  packed.multiply_ref(x, ref);
  std::vector<Matrix> results(4, Matrix(64, 300));
#pragma omp parallel for num_threads(2)
  for (int i = 0; i < 4; ++i) packed.multiply(x, results[i]);
  for (const auto& r : results) test::expect_close(r, ref, 1e-6, 1e-6, "parallel");
}

// Translations must not depend on --threads: int8 sums are exact, so one and
// two threads give the same bits.
TEST(PackedWeight, Int8ResultsDoNotDependOnThreadCount) {
  const int saved = omp_get_max_threads();
  for (const Shape s : {Shape{128, 256, 8000}, Shape{130, 1024, 256}, Shape{600, 256, 1024},
                        Shape{3000, 256, 256}, Shape{3000, 1024, 256}, Shape{3000, 256, 1024}}) {
    const PackedWeight packed(test::random_matrix(s.out, s.in, 71), ComputeType::Int8);
    const Matrix x = test::random_matrix(s.rows, s.in, 72);
    Matrix one(s.rows, s.out), two(s.rows, s.out);
    omp_set_num_threads(1);
    packed.multiply(x, one);
    omp_set_num_threads(2);
    packed.multiply(x, two);
    EXPECT_EQ((one - two).cwiseAbs().maxCoeff(), 0.f) << s.rows << "x" << s.in << "x" << s.out;
  }
  omp_set_num_threads(saved);
}

TEST(PackedWeight, NonFiniteRowStaysInItsRow) {
  const Matrix w = test::random_matrix(16, 32, 51);
  const PackedWeight packed(w, ComputeType::Int8);
  Matrix x = test::random_matrix(3, 32, 52), y(3, 16);
  x(1, 4) = std::numeric_limits<float>::infinity();
  packed.multiply(x, y);
  EXPECT_TRUE(y.row(0).allFinite());
  EXPECT_FALSE(y.row(1).allFinite());
  EXPECT_TRUE(y.row(2).allFinite());
}

TEST(PackedWeight, Float32IsNotPacked) {
  EXPECT_THROW(PackedWeight(test::random_matrix(4, 4, 63), ComputeType::Float32), Error);
}

TEST(PackedWeight, ShapeMismatchIsAnError) {
  const PackedWeight packed(test::random_matrix(8, 4, 61), ComputeType::Int8);
  Matrix x = test::random_matrix(2, 5, 62), y(2, 8);
  EXPECT_THROW(packed.multiply(x, y), Error);
}

TEST(ComputeType, ParsesNamesAndRejectsOthers) {
  EXPECT_EQ(parse_compute_type("int8", "--compute-type"), ComputeType::Int8);
  EXPECT_EQ(parse_compute_type("bf16", "--compute-type"), ComputeType::BFloat16);
  EXPECT_EQ(parse_compute_type("float32", "--compute-type"), ComputeType::Float32);
  EXPECT_THROW(parse_compute_type("int4", "--compute-type"), Error);
}

}  // namespace
}  // namespace tandem
