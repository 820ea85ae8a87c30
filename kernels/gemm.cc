#include "kernels/gemm.h"

#include <atomic>

#include "core/error.h"
#include "kernels/compute_type.h"
#include "kernels/quantize.h"
#include "core/profile.h"
#include "kernels/gemm_shape.h"

#ifdef TANDEM_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.h>

#include "kernels/gemm_onednn.h"
#endif

namespace tandem {
namespace {

#ifdef TANDEM_HAVE_ONEDNN
// Below this many multiply-adds Eigen's product wins: oneDNN's per-call cost
// (memory descriptors and objects, ~2-3 us) outweighs its faster kernel
// (bench_gemm: a 30x64x30 attention block ran at 56 GFLOP/s in Eigen and 37 in
// oneDNN; at 4x256x1024, 51 against 95).
constexpr double kEigenMacs = 128.0 * 1024;
#endif

std::atomic<GemmPrecision> g_precision{GemmPrecision::Float32};

}  // namespace

void set_gemm_precision(GemmPrecision precision) {
  if (precision == GemmPrecision::BFloat16) {
    const std::string why_not = compute_type_unsupported_reason(ComputeType::BFloat16);
    TANDEM_CHECK(why_not.empty()) << "bf16 precision: " << why_not;
  }
  g_precision = precision;
}

GemmPrecision gemm_precision() { return g_precision; }

void gemm(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c, float alpha,
          float beta) {
  const double macs = static_cast<double>(c.size()) * (ta == Trans::No ? a.cols() : a.rows());
  const OpClass op = profile::backward() ? OpClass::GemmBackward : OpClass::GemmForward;
  const ProfileScope profile_scope(op);
  profile::add_flops(op, 2 * macs);
#ifdef TANDEM_HAVE_ONEDNN
  check_gemm_shapes(a, ta, b, tb, c);
  if (c.size() == 0) return;
  if (macs < kEigenMacs) {  // also K = 0, which oneDNN refuses
    gemm_eigen(a, ta, b, tb, c, alpha, beta);
    return;
  }
  if (g_precision == GemmPrecision::BFloat16) gemm_onednn_bf16(a, ta, b, tb, c, alpha, beta);
  else gemm_onednn(a, ta, b, tb, c, alpha, beta);
#else
  gemm_eigen(a, ta, b, tb, c, alpha, beta);
#endif
}

std::string gemm_backend() {
#ifdef TANDEM_HAVE_ONEDNN
  return "onednn";
#else
  return "eigen";
#endif
}

std::string onednn_version() {
#ifdef TANDEM_HAVE_ONEDNN
  const dnnl_version_t* v = dnnl_version();  // the library loaded, not the headers
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
#else
  return "";
#endif
}

void gemm_eigen(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c, float alpha,
                float beta) {
  check_gemm_shapes(a, ta, b, tb, c);
  if (beta == 0.f) c.setZero();
  else if (beta != 1.f) c *= beta;
  const bool at = ta == Trans::Yes, bt = tb == Trans::Yes;
  if (!at && !bt) c.noalias() += alpha * a * b;
  else if (!at && bt) c.noalias() += alpha * a * b.transpose();
  else if (at && !bt) c.noalias() += alpha * a.transpose() * b;
  else c.noalias() += alpha * a.transpose() * b.transpose();
}

void gemm_ref(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c, float alpha,
              float beta) {
  check_gemm_shapes(a, ta, b, tb, c);
  const int m = static_cast<int>(c.rows()), n = static_cast<int>(c.cols());
  const int k = static_cast<int>(ta == Trans::No ? a.cols() : a.rows());
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      double sum = 0;
      for (int p = 0; p < k; ++p) {
        const float av = ta == Trans::No ? a(i, p) : a(p, i);
        const float bv = tb == Trans::No ? b(p, j) : b(j, p);
        sum += static_cast<double>(av) * bv;
      }
      const float prev = beta == 0.f ? 0.f : beta * c(i, j);
      c(i, j) = static_cast<float>(alpha * sum) + prev;
    }
  }
}

void gemm_bf16_ref(ConstBlockRef a, Trans ta, ConstBlockRef b, Trans tb, BlockRef c, float alpha,
                   float beta) {
  auto rounded = [](ConstBlockRef x) {
    Matrix r(x.rows(), x.cols());
    for (Eigen::Index i = 0; i < x.rows(); ++i)
      for (Eigen::Index j = 0; j < x.cols(); ++j) r(i, j) = from_bfloat16(to_bfloat16(x(i, j)));
    return r;
  };
  gemm_ref(rounded(a), ta, rounded(b), tb, c, alpha, beta);
}

}  // namespace tandem
