// The shard a sweep runs (design.md "Sweeps": --shard K/N, or the array-job environment of Slurm,
// AWS Batch and Kubernetes Indexed Jobs), and the run files' names.
#include <map>

#include <catch2/catch.hpp>

#include "tools/sweep.hpp"

using namespace spotsim;

namespace {

// A fake environment.
GetEnv env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("sweep: --shard K/N with 1 <= K <= N holds the runs whose index % N == K - 1", "[sweep][shard]") {
  const Shard s = parse_shard("2/3");
  CHECK(s.index == 2);
  CHECK(s.count == 3);
  CHECK(s.contains(1));
  CHECK(s.contains(4));
  CHECK_FALSE(s.contains(0));
  CHECK(parse_shard("1/1").whole());
  for (const char* bad : {"3/2", "0/3", "a/b", "2", "/3", "2/", "-1/3", "1/-3", "+1/3", "1/3/4", " 1/3", "1/0", ""}) {
    INFO(bad);
    CHECK(error_of([&] { parse_shard(bad); }).find("--shard: error: expected K/N") == 0);
  }
}

TEST_CASE("sweep: the shard from an array job's environment", "[sweep][shard]") {
  CHECK_FALSE(shard_from_environment(std::nullopt, env({})));

  // Slurm: --array=0-2 and --array=1-3 give the same shards; a stepped array counts its steps.
  auto s = shard_from_environment(std::nullopt, env({{"SLURM_ARRAY_TASK_ID", "0"}, {"SLURM_ARRAY_TASK_COUNT", "3"}}));
  REQUIRE(s);
  CHECK(s->shard.str() == "1/3");
  s = shard_from_environment(
      std::nullopt, env({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "3"}, {"SLURM_ARRAY_TASK_MIN", "1"}}));
  REQUIRE(s);
  CHECK(s->shard.str() == "3/3");
  CHECK(s->source == "SLURM_ARRAY_TASK_ID=3, SLURM_ARRAY_TASK_COUNT=3, SLURM_ARRAY_TASK_MIN=1");
  s = shard_from_environment(std::nullopt, env({{"SLURM_ARRAY_TASK_ID", "14"},
                                                {"SLURM_ARRAY_TASK_COUNT", "4"},
                                                {"SLURM_ARRAY_TASK_MIN", "10"},
                                                {"SLURM_ARRAY_TASK_STEP", "2"}}));
  REQUIRE(s);
  CHECK(s->shard.str() == "3/4");

  // AWS Batch: the index counts from 0.
  s = shard_from_environment(std::nullopt, env({{"AWS_BATCH_JOB_ARRAY_INDEX", "4"}, {"AWS_BATCH_JOB_ARRAY_SIZE", "5"}}));
  REQUIRE(s);
  CHECK(s->shard.str() == "5/5");

  // Kubernetes Indexed Jobs: the count from --shard-count, else SPOTSIM_SHARD_COUNT.
  s = shard_from_environment(2, env({{"JOB_COMPLETION_INDEX", "1"}}));
  REQUIRE(s);
  CHECK(s->shard.str() == "2/2");
  CHECK(s->source == "JOB_COMPLETION_INDEX=1, --shard-count 2");
  s = shard_from_environment(std::nullopt, env({{"JOB_COMPLETION_INDEX", "0"}, {"SPOTSIM_SHARD_COUNT", "4"}}));
  REQUIRE(s);
  CHECK(s->shard.str() == "1/4");

  // Inconsistent environments are errors naming the variables.
  CHECK(error_of([] { shard_from_environment(std::nullopt, env({{"SLURM_ARRAY_TASK_ID", "1"}})); })
            .find("SLURM_ARRAY_TASK_COUNT") != std::string::npos);
  CHECK(error_of([] {
          shard_from_environment(std::nullopt, env({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "3"}}));
        }).find("outside the 3 shards") != std::string::npos);
  CHECK(error_of([] {
          shard_from_environment(std::nullopt, env({{"AWS_BATCH_JOB_ARRAY_INDEX", "x"}, {"AWS_BATCH_JOB_ARRAY_SIZE", "3"}}));
        }).find("AWS_BATCH_JOB_ARRAY_INDEX: error: expected a whole number, found \"x\"") != std::string::npos);
  CHECK(error_of([] { shard_from_environment(std::nullopt, env({{"JOB_COMPLETION_INDEX", "0"}})); })
            .find("--shard-count") != std::string::npos);
}

TEST_CASE("sweep: run files are named run-<index, six digits>.json", "[sweep]") {
  CHECK(run_file_name(42) == "run-000042.json");
  CHECK(run_index_of_file_name("run-000042.json") == std::optional<std::size_t>(42));
  CHECK(run_index_of_file_name("run-999999.json") == std::optional<std::size_t>(999999));
  for (const char* other : {"run-42.json", "run-000042.json.tmp-123", "run-0000042.json", "run-00004a.json", "runs.csv"})
    CHECK_FALSE(run_index_of_file_name(other));
}
