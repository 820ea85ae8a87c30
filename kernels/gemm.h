// kernels/gemm.h: the one entry point for matrix products (DESIGN.md §2).
// C = alpha * op(A) * op(B) + beta * C, op = identity or transpose.
// `gemm` uses Eigen's blocked, vectorized product (OpenMP-parallel when not
// already inside a parallel region); `gemm_ref` is the plain triple loop that
// tests hold it to. Both accept Eigen blocks, so attention can multiply per-head
// slices without copies.
#pragma once

#include "core/tensor.h"

namespace tandem {

enum class Trans { No, Yes };

using MatRef = Eigen::Ref<Matrix>;
using ConstMatRef = Eigen::Ref<const Matrix>;
using BlockRef = Eigen::Ref<Matrix, 0, Eigen::OuterStride<>>;
using ConstBlockRef = Eigen::Ref<const Matrix, 0, Eigen::OuterStride<>>;

void gemm(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c, float alpha = 1.f,
          float beta = 0.f);
void gemm_ref(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c, float alpha = 1.f,
              float beta = 0.f);

}  // namespace tandem
