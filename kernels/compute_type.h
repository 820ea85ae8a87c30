// kernels/compute_type.h: the number format decoding multiplies weights in.
// float32 is exact; int8 stores weights as 8-bit integers with one scale per
// output channel and quantizes activations per row on the fly (int32
// accumulation); bfloat16 rounds both operands to bf16 and accumulates in fp32.
#pragma once

#include <string>

namespace tandem {

enum class ComputeType { Float32, Int8, BFloat16 };

// "float32", "int8", "bfloat16".
std::string compute_type_name(ComputeType type);
// Accepts the names above and "bf16", "fp32"; anything else is an error that
// lists the choices and names `where` (an option or a file).
ComputeType parse_compute_type(const std::string& text, const std::string& where);

// Empty when this build and CPU run `type` on a fast path; otherwise why not,
// in one line naming the missing CPU feature or build option.
std::string compute_type_unsupported_reason(ComputeType type);

}  // namespace tandem
