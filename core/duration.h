// core/duration.h: "42s", "3m05s", "1h25m" for logs and progress lines.
#pragma once

#include <string>

namespace tandem {

std::string human_duration(double seconds);

}  // namespace tandem
