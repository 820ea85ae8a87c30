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

// Mixed precision for `gemm` (train.precision: bf16): products large enough
// for oneDNN take their operands rounded to bfloat16 (AVX512-BF16), with fp32
// accumulation and fp32 results; smaller ones stay fp32. Process-wide; the
// default is float32. Setting bf16 without oneDNN or the CPU feature is an
// error naming what is missing (kernels/compute_type.h).
enum class GemmPrecision { Float32, BFloat16 };
void set_gemm_precision(GemmPrecision precision);
GemmPrecision gemm_precision();
// `gemm` with bf16 operands in plain loops: what tests hold the bf16 path to.
void gemm_bf16_ref(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c,
                   float alpha = 1.f, float beta = 0.f);

}  // namespace tandem
