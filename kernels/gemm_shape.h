// kernels/gemm_shape.h: the shape check every gemm path shares.
#pragma once

#include "core/error.h"
#include "kernels/gemm.h"

namespace tandem {

inline void check_gemm_shapes(const ConstBlockRef& a, Trans ta, const ConstBlockRef& b, Trans tb,
                              const BlockRef& c) {
  const auto m = ta == Trans::No ? a.rows() : a.cols();
  const auto k = ta == Trans::No ? a.cols() : a.rows();
  const auto kb = tb == Trans::No ? b.rows() : b.cols();
  const auto n = tb == Trans::No ? b.cols() : b.rows();
  TANDEM_CHECK(k == kb && c.rows() == m && c.cols() == n)
      << "gemm: shapes [" << m << "," << k << "] x [" << kb << "," << n << "] -> [" << c.rows()
      << "," << c.cols() << "]";
}

}  // namespace tandem
