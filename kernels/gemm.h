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

}  // namespace tandem
