// kernels/gemm.h: the one entry point for matrix products (DESIGN.md §2).
// C = alpha * op(A) * op(B) + beta * C, op = identity or transpose.
// `gemm` is the fast path: oneDNN's matmul primitive when tandem is built with
// oneDNN (primitives cached per shape, transposes expressed as strides, never
// copied), else Eigen. `gemm_eigen` is Eigen's blocked product, and `gemm_ref`
// the plain triple loop that tests hold both to. All accept Eigen blocks, so
// attention can multiply per-head slices without copies. Inside an OpenMP
// parallel region every path runs on the calling thread.
#pragma once

#include <string>

#include "core/tensor.h"

namespace tandem {

enum class Trans { No, Yes };

using MatRef = Eigen::Ref<Matrix>;
using ConstMatRef = Eigen::Ref<const Matrix>;
using BlockRef = Eigen::Ref<Matrix, 0, Eigen::OuterStride<>>;
using ConstBlockRef = Eigen::Ref<const Matrix, 0, Eigen::OuterStride<>>;

void gemm(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c, float alpha = 1.f,
          float beta = 0.f);
void gemm_eigen(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c,
                float alpha = 1.f, float beta = 0.f);
void gemm_ref(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c, float alpha = 1.f,
              float beta = 0.f);

// "onednn" or "eigen": what `gemm` runs on (for logs and benchmarks).
std::string gemm_backend();
// The oneDNN library this process runs on ("3.0.0"), "" without oneDNN.
std::string onednn_version();

// Mixed precision for `gemm` (train.precision: bf16): products large enough
// for oneDNN take their operands rounded to bfloat16 (AVX512-BF16), with fp32
// accumulation and fp32 results; smaller ones stay fp32. The default is
// float32. Setting bf16 without oneDNN or the CPU feature is an error naming
// what is missing (kernels/compute_type.h). The setting is shared by all
// threads of a call (OpenMP workers run its GEMMs), so callers hold it for
// the span of one call with ScopedGemmPrecision rather than set it for good.
enum class GemmPrecision { Float32, BFloat16 };
void set_gemm_precision(GemmPrecision precision);
GemmPrecision gemm_precision();

// Sets the precision for its lifetime and restores the previous one after
// (a bf16 training stage leaves float32 behind; its validation runs in fp32).
class ScopedGemmPrecision {
 public:
  explicit ScopedGemmPrecision(GemmPrecision precision) : previous_(gemm_precision()) {
    set_gemm_precision(precision);
  }
  ~ScopedGemmPrecision() { set_gemm_precision(previous_); }
  ScopedGemmPrecision(const ScopedGemmPrecision&) = delete;
  ScopedGemmPrecision& operator=(const ScopedGemmPrecision&) = delete;

 private:
  GemmPrecision previous_;
};
// `gemm` with bf16 operands in plain loops: what tests hold the bf16 path to.
void gemm_bf16_ref(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c,
                   float alpha = 1.f, float beta = 0.f);

}  // namespace tandem
