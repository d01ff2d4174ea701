// --shard K/N and the shard an array-job engine gives through its environment.
#include <charconv>

#include "tools/sweep.hpp"

namespace spotsim {
namespace {

// A whole decimal number (no sign, no spaces) below 10^9.
std::optional<long> whole_number(std::string_view text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  long v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text[0] == '-' || text[0] == '+') return std::nullopt;
  return v;
}

struct Variable {
  const char* name;
  const char* value;  // nullptr when unset
  std::string str() const {
    std::string s = name;
    s += value ? "=" : " unset";
    s += value ? value : "";
    return s;
  }
};

long number_from(const Variable& v, const std::string& context) {
  const auto n = whole_number(v.value ? v.value : "");
  if (!n)
    throw InputError("environment", v.name,
                     "expected a whole number, found \"" + std::string(v.value ? v.value : "") + "\" (" + context + ")");
  return *n;
}

Shard checked(long zero_based_index, long count, const std::string& source) {
  if (count < 1)
    throw InputError("environment", "", "the shard count must be at least 1, found " + std::to_string(count) + " (" + source + ")");
  if (zero_based_index < 0 || zero_based_index >= count)
    throw InputError("environment", "",
                     "the shard index " + std::to_string(zero_based_index) + " (from 0) is outside the " +
                         std::to_string(count) + " shards (" + source + ")");
  return Shard{static_cast<int>(zero_based_index + 1), static_cast<int>(count)};
}

}  // namespace

Shard parse_shard(std::string_view text, const std::string& option) {
  std::string found(1, '"');
  found += text;
  found += '"';
  const auto slash = text.find('/');
  const auto k = whole_number(text.substr(0, slash));
  const auto n = whole_number(slash == std::string_view::npos ? std::string_view() : text.substr(slash + 1));
  if (!k.has_value() || !n.has_value())
    throw InputError(option, "", "expected K/N, the shard K of N (e.g. 2/3), found " + found);
  const long index = *k, count = *n;
  if (count < 1 || index < 1 || index > count)
    throw InputError(option, "", "expected K/N with 1 <= K <= N (shards count from 1), found " + found);
  return Shard{static_cast<int>(index), static_cast<int>(count)};
}

std::optional<ShardSource> shard_from_environment(std::optional<int> count, const GetEnv& getenv) {
  const auto var = [&](const char* name) { return Variable{name, getenv(name)}; };

  if (const Variable id = var("SLURM_ARRAY_TASK_ID"); id.value) {
    const Variable n = var("SLURM_ARRAY_TASK_COUNT"), min = var("SLURM_ARRAY_TASK_MIN"), step = var("SLURM_ARRAY_TASK_STEP");
    std::string source = id.str() + ", " + n.str();
    if (!n.value) throw InputError("environment", "SLURM_ARRAY_TASK_COUNT", "not set beside SLURM_ARRAY_TASK_ID (" + source + ")");
    if (min.value) source += ", " + min.str();
    if (step.value) source += ", " + step.str();
    const long first = min.value ? number_from(min, source) : 0;
    const long stride = step.value ? number_from(step, source) : 1;
    const long offset = number_from(id, source) - first;
    if (stride < 1 || offset % stride != 0)
      throw InputError("environment", "", "SLURM_ARRAY_TASK_ID is not on the array's steps (" + source + ")");
    return ShardSource{checked(offset / stride, number_from(n, source), source), source};
  }
  if (const Variable index = var("AWS_BATCH_JOB_ARRAY_INDEX"); index.value) {
    const Variable n = var("AWS_BATCH_JOB_ARRAY_SIZE");
    const std::string source = index.str() + ", " + n.str();
    if (!n.value)
      throw InputError("environment", "AWS_BATCH_JOB_ARRAY_SIZE", "not set beside AWS_BATCH_JOB_ARRAY_INDEX (" + source + ")");
    return ShardSource{checked(number_from(index, source), number_from(n, source), source), source};
  }
  if (const Variable index = var("JOB_COMPLETION_INDEX"); index.value) {
    // An Indexed Job's pod sees its index but not .spec.completions: the count is given.
    std::string source = index.str();
    long n = 0;
    if (count) {
      n = *count;
      source += ", --shard-count " + std::to_string(*count);
    } else if (const Variable c = var("SPOTSIM_SHARD_COUNT"); c.value) {
      source += ", " + c.str();
      n = number_from(c, source);
    } else {
      throw InputError("environment", "JOB_COMPLETION_INDEX",
                       "set (" + source + ") but the shard count is unknown: give --shard-count N or "
                       "SPOTSIM_SHARD_COUNT=N (the Job's completions), or --shard K/N");
    }
    return ShardSource{checked(number_from(index, source), n, source), source};
  }
  return std::nullopt;
}

}  // namespace spotsim
