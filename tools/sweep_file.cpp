// The sweep file: loading and its checks, the grid, and the fingerprint that tells sweeps apart.
#include <cinttypes>
#include <cstdio>
#include <set>

#include "spotsim/version.hpp"
#include "tools/json_reader.hpp"
#include "tools/overrides.hpp"
#include "tools/sweep.hpp"
#include "tools/text_input.hpp"

namespace spotsim {
namespace {

constexpr std::uintmax_t kMaxSweepFileBytes = 16u << 20;
constexpr std::uintmax_t kMaxScenarioFileBytes = 256u << 20;

// FNV-1a, 64 bits: a stable hash of the sweep's inputs (not a security measure; it only tells
// sweeps apart when resuming and merging).
std::string fnv1a_hex(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, h);
  return buf;
}

// "key=value, key=value": a point's settings in messages.
std::string describe_settings(const nlohmann::ordered_json& settings) {
  std::string s;
  for (auto it = settings.begin(); it != settings.end(); ++it) {
    if (!s.empty()) s += ", ";
    s += it.key() + "=" + it.value().dump();
  }
  return s;
}

std::string point_label(const SweepHeader& h, std::size_t point) {
  std::string s = "grid point " + std::to_string(point) + " of " + std::to_string(h.points);
  if (!h.axes.empty()) s += ": " + describe_settings(h.settings(point));
  return s;
}

// Loads a point's scenario document; its problems say which point.
Scenario load_document(const Sweep& sw, const nlohmann::json& doc, std::size_t point) {
  try {
    Scenario s = load_scenario(doc, sw.base_file, sw.base_dir);
    s.world.traffic_mode = sw.mode;
    check_traffic_mode(s, sw.mode, sw.base_file);
    return s;
  } catch (const InputError& e) {
    auto ds = e.diagnostics();
    for (auto& diagnostic : ds) diagnostic.message += " (" + point_label(sw.header, point) + ")";
    throw InputError(std::move(ds));
  }
}

}  // namespace

nlohmann::ordered_json SweepHeader::settings(std::size_t point) const {
  std::vector<std::size_t> index(axes.size());
  for (std::size_t a = axes.size(); a-- > 0;) {
    index[a] = point % axes[a].second.size();
    point /= axes[a].second.size();
  }
  nlohmann::ordered_json s = nlohmann::ordered_json::object();
  for (std::size_t a = 0; a < axes.size(); ++a) s[axes[a].first] = axes[a].second[index[a]];
  return s;
}

nlohmann::ordered_json SweepHeader::axes_json() const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [key, values] : axes) j[key] = values;
  return j;
}

std::vector<std::size_t> SweepHeader::shard_runs() const {
  std::vector<std::size_t> out;
  for (std::size_t run = static_cast<std::size_t>(shard.index - 1); run < runs; run += static_cast<std::size_t>(shard.count))
    out.push_back(run);
  return out;
}

bool is_sweep_document(const nlohmann::json& doc) { return doc.is_object() && doc.contains("spotsim_sweep"); }

bool is_sweep_file(const std::filesystem::path& file) {
  try {
    const std::string text = text_input::read_file_text(file, file.generic_string(), kMaxSweepFileBytes);
    return is_sweep_document(nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true));
  } catch (const InputError&) {
    return false;
  }
}

SweepDefinition read_sweep_file(const std::filesystem::path& file) {
  SweepDefinition d;
  d.file = file.generic_string();
  const std::string text = text_input::read_file_text(file, d.file, kMaxSweepFileBytes);
  const nlohmann::json doc = parse_json_text(text, d.file);
  if (!doc.is_object())
    throw InputError(d.file, "", "expected a sweep object ({\"spotsim_sweep\": 1, ...}), found " + describe_json(doc));
  // Axes run in file order: the ordered parse keeps it (the checked document sorts keys).
  const auto ordered = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);

  Diagnostics diag(d.file);
  const Node root(diag, &doc, "");
  root.reject_unknown_keys({"spotsim_sweep", "base", "axes", "replications", "seed"});
  if (root["spotsim_sweep"].require())
    if (auto v = root["spotsim_sweep"].integer(INT64_MIN, INT64_MAX); v && *v != 1)
      root["spotsim_sweep"].error("expected format version 1, found " + describe_json(doc["spotsim_sweep"]));
  if (root["base"].require()) d.base = root["base"].nonempty_string().value_or("");
  if (root["axes"].require() && root["axes"].is_object()) {
    for (const auto& [key, values] : ordered["axes"].items()) {
      const Node node = root["axes"][key];
      if (!values.is_array())
        node.error("expected an array of values, found " + describe_json(*node.json()));
      else if (values.empty())
        node.error("expected at least one value, found an empty array (an axis with no values makes an empty grid)");
      else
        d.axes.emplace_back(key, std::vector<nlohmann::ordered_json>(values.begin(), values.end()));
    }
  }
  if (auto r = root["replications"].int32(1, static_cast<int>(kMaxSweepRuns))) d.replications = *r;
  if (auto s = root["seed"].integer(0, INT64_MAX)) d.seed = static_cast<std::uint64_t>(*s);
  if (diag.has_errors()) throw InputError(diag.list());

  const std::filesystem::path base_path = std::filesystem::path(d.base).is_absolute()
                                              ? std::filesystem::path(d.base)
                                              : file.parent_path() / d.base;
  d.base_file = base_path.generic_string();
  d.base_dir = base_path.parent_path();
  std::string base_text;
  try {
    base_text = text_input::read_file_text(base_path, d.base_file, kMaxScenarioFileBytes);
  } catch (const InputError& e) {
    throw InputError(d.file, "/base", "cannot read the base scenario \"" + d.base_file + "\" (relative to the sweep " +
                                          "file's folder): " + e.diagnostics().front().message);
  }
  d.base_document = parse_json_text(base_text, d.base_file);
  if (!d.base_document.is_object())
    throw InputError(d.base_file, "", "expected a scenario object ({\"spotsim\": 1, ...}), found " +
                                          describe_json(d.base_document));
  return d;
}

Sweep make_sweep(const SweepDefinition& d, const SweepOptions& options) {
  Sweep sw;
  sw.sweep_file = d.file;
  sw.base_file = d.base_file;
  sw.base_dir = d.base_dir;
  sw.base = d.base_document;
  for (const auto& argument : options.set) apply_override(sw.base, parse_override(argument));
  if (options.duration) sw.base["duration"] = *options.duration;

  SweepHeader& h = sw.header;
  h.spotsim_version = kVersion;
  h.sweep = std::filesystem::path(d.file).filename().string();
  h.base = d.base;
  h.replications = d.replications;
  h.axes = d.axes;

  // Each axis must name a setting the base scenario has (apply_override would add a missing last
  // step, and a sweep over a typo would run the base N times). Every axis is checked.
  Diagnostics diag(d.file);
  std::size_t points = 1;
  for (const auto& [key, values] : d.axes) {
    const std::string where = pointer_append("/axes", key);
    const std::string axis = "the axis \"" + key + "\"";
    const std::string nothing = axis + " names nothing in the base scenario \"" + d.base_file + "\": ";
    nlohmann::json probe = sw.base;
    std::string pointer;
    try {
      pointer = apply_override(probe, Override{key, nullptr});
    } catch (const InputError& e) {
      diag.error(where, nothing + e.diagnostics().front().message);
      continue;
    }
    if (!sw.base.contains(nlohmann::json::json_pointer(pointer))) {
      diag.error(where, nothing + pointer + " does not exist (an axis changes a value the scenario has)");
      continue;
    }
    if (pointer == "/seed") {
      diag.error(where, axis + ": seeds come from the sweep's \"seed\" and the replication (common random numbers); "
                        "more replications give more seeds");
      continue;
    }
    bool repeated = false;
    for (const SweepAxis& other : sw.axes)
      if (other.pointer == pointer) {
        diag.error(where, axis + " names the same setting (" + pointer + ") as the axis \"" + other.key + "\"");
        repeated = true;
      }
    if (repeated) continue;
    sw.axes.push_back({key, pointer});
    points *= values.size();
    if (points > kMaxSweepRuns) {
      diag.error("/axes", "the grid has more than " + std::to_string(kMaxSweepRuns) + " points");
      break;
    }
  }
  if (diag.has_errors()) throw InputError(diag.list());
  h.points = points;
  h.runs = points * static_cast<std::size_t>(d.replications);
  if (h.runs > kMaxSweepRuns)
    throw InputError(d.file, "/replications", std::to_string(points) + " grid points x " + std::to_string(d.replications) +
                                                  " replications = " + std::to_string(h.runs) + " runs; at most " +
                                                  std::to_string(kMaxSweepRuns));

  h.options = {{"duration", options.duration ? nlohmann::ordered_json(*options.duration) : nlohmann::ordered_json()},
               {"mode", to_string(options.mode)},
               {"set", options.set}};

  // The seed: the sweep's, else the base scenario's (as its loader reads it, default included).
  sw.mode = options.mode;
  const Scenario first = load_document(sw, sw.point_document(0), 0);
  h.seed = d.seed.value_or(first.world.seed);
  h.scenario = first.name;

  std::string identity = std::string(kVersion) + "\n" + sw.base.dump() + "\n";
  for (const auto& [key, values] : h.axes) identity += key + "\n" + nlohmann::ordered_json(values).dump() + "\n";
  identity += std::to_string(h.replications) + "\n" + std::to_string(h.seed) + "\n" + h.options.dump() + "\n";
  h.fingerprint = fnv1a_hex(identity);

  // Every point loads before any run starts.
  std::set<std::string> seen;
  for (std::size_t p = 0; p < h.points; ++p) {
    const Scenario s = sw.load_point(p);
    for (Diagnostic w : s.warnings) {
      if (!seen.insert(w.str()).second) continue;
      if (p > 0) w.message += " (" + point_label(h, p) + ")";
      sw.warnings.push_back(std::move(w));
    }
  }
  return sw;
}

nlohmann::json Sweep::point_document(std::size_t point) const {
  nlohmann::json doc = base;
  const nlohmann::ordered_json settings = header.settings(point);
  for (const SweepAxis& a : axes) doc.at(nlohmann::json::json_pointer(a.pointer)) = nlohmann::json(settings[a.key]);
  return doc;
}

Scenario Sweep::load_point(std::size_t point) const {
  nlohmann::json doc = point_document(point);
  doc["seed"] = header.seed;
  return load_document(*this, std::move(doc), point);
}

}  // namespace spotsim
