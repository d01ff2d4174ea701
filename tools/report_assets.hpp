#pragma once
// Text compiled into the program by tools/embed_text.cmake (see the top CMakeLists.txt).
#include <string_view>

namespace spotsim {

std::string_view report_chartjs();  // Debian's libjs-chart.js chart.min.js (Chart.js 3.9, MIT)
std::string_view report_script();   // tools/report.js
std::string_view report_styles();   // tools/report.css

}  // namespace spotsim
