// kernels/activation.h: the feed-forward activations and their fused kernels.
//   bias_activation:          pre += bias; out = act(pre)         (one pass)
//   activation_bias_backward: grad *= act'(pre); dbias += colsum   (one pass)
// Each has a `_ref` of plain loops (double sums) that tests hold it to. The
// fused forms save the separate bias pass of the product before them and the
// separate column-sum pass of the bias gradient, over [tokens, ffn_dim]
// matrices, the largest activations of a layer.
#pragma once

#include "kernels/gemm.h"

namespace tandem {

enum class Activation { Relu, Gelu };  // gelu: the erf form

float activation_value(Activation act, float x);
float activation_slope(Activation act, float x);  // d act / dx

// pre: [n, f] in place (+ bias when not null); out: [n, f] = act(pre).
void bias_activation(BlockRef pre, const float* bias, Activation act, BlockRef out);
void bias_activation_ref(BlockRef pre, const float* bias, Activation act, BlockRef out);

// grad: [n, f] in place *= act'(pre); dbias (when not null) += column sums of
// the result. The sums run over rows in order for each column, so they do not
// depend on the thread count.
void activation_bias_backward(ConstBlockRef pre, BlockRef grad, Activation act, float* dbias);
void activation_bias_backward_ref(ConstBlockRef pre, BlockRef grad, Activation act, float* dbias);

}  // namespace tandem
