#pragma once
// The figures of one run's summary.json by name (issue 6): what a sweep's runs.csv has one column
// for, what its aggregate summarises, what `compare` differences and what `check --max FIGURE=VALUE`
// names. A figure is a numeric leaf of summary.json outside arrays, named by its dotted path:
// "cost.total_usd", "requests.drop_rate", "requests.dropped.no_target", "requests.latency_ms.p99".
// The run's identity (`seed`, `replication`) and text (`spotsim_version`, `scenario`,
// `requests.mode`) are not figures. Order: summary.json's own, so columns are stable.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace spotsim {

struct Figure {
  std::string name;
  double value = 0;  // NaN where summary.json has null (e.g. no latency without traffic)
};

std::vector<Figure> summary_figures(const nlohmann::ordered_json& summary);

// Whether `name` is a figure of `summary` (for messages naming what does exist).
bool has_figure(const std::vector<Figure>& figures, const std::string& name);

}  // namespace spotsim
