// core/duration.h: "42s", "3m05s", "1h25m" for logs and progress lines, and
// the UTC time stamps files record.
#pragma once

#include <string>

namespace tandem {

std::string human_duration(double seconds);

// "2026-12-07T19:53:57Z": now, in UTC.
std::string utc_timestamp();

}  // namespace tandem
