#include "kernels/compute_type.h"

#include "core/error.h"

namespace tandem {

std::string compute_type_name(ComputeType type) {
  switch (type) {
    case ComputeType::Float32: return "float32";
    case ComputeType::Int8: return "int8";
    case ComputeType::BFloat16: return "bfloat16";
  }
  return "?";
}

ComputeType parse_compute_type(const std::string& text, const std::string& where) {
  if (text == "float32" || text == "fp32") return ComputeType::Float32;
  if (text == "int8") return ComputeType::Int8;
  if (text == "bfloat16" || text == "bf16") return ComputeType::BFloat16;
  TANDEM_FAIL() << where << ": unknown compute type '" << text
                << "' (choose float32, int8 or bfloat16)";
}

std::string compute_type_unsupported_reason(ComputeType type) {
  if (type == ComputeType::Float32) return "";
#ifndef TANDEM_HAVE_ONEDNN
  return compute_type_name(type) + " needs tandem built with oneDNN (cmake -DTANDEM_ONEDNN=ON)";
#else
#if defined(__x86_64__) || defined(__i386__)
  // Without these the library would run int8/bf16 through slow emulation.
  if (type == ComputeType::Int8 && !__builtin_cpu_supports("avx512vnni") &&
      !__builtin_cpu_supports("avxvnni") && !__builtin_cpu_supports("avx2"))
    return "int8 needs a CPU with AVX2 or AVX512-VNNI (this one has neither)";
  if (type == ComputeType::BFloat16 && !__builtin_cpu_supports("avx512bf16"))
    return "bfloat16 needs a CPU with AVX512-BF16 (cpuid flag avx512_bf16; this one lacks it)";
#endif
  return "";
#endif
}

}  // namespace tandem
