// kernels/gemm_onednn.h: the oneDNN matmul behind `gemm` (built only with
// TANDEM_HAVE_ONEDNN). Shapes are already checked and non-empty.
#pragma once

#include "kernels/gemm.h"

namespace tandem {

void gemm_onednn(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c, float alpha,
                 float beta);
// The same with both operands rounded to bfloat16 first (fp32 accumulation).
void gemm_onednn_bf16(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c,
                      float alpha, float beta);

}  // namespace tandem
