// Launch template user data: base64, and the ECS_* lines a script writes into /etc/ecs/ecs.config
// (aws-semantics.md §4.1).
#include "tools/user_data.hpp"

#include <catch2/catch.hpp>

using namespace spotsim;

namespace {

EcsAgentConfig read(const std::string& script) {
  const EcsConfigRead r = read_ecs_config(script);
  for (const auto& p : r.problems)
    if (p.severity == Diagnostic::Severity::error) FAIL(p.message);
  return r.config;
}

bool has_error(const std::string& script, const std::string& part) {
  for (const auto& p : read_ecs_config(script).problems)
    if (p.severity == Diagnostic::Severity::error && p.message.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("base64 decodes with or without line breaks and padding", "[user-data]") {
  std::string problem;
  CHECK(decode_base64("ZWNobyBoaQ==", problem) == "echo hi");
  CHECK(decode_base64("ZWNo\nbyBo\r\naQ", problem) == "echo hi");
  CHECK(decode_base64("", problem) == "");
}

TEST_CASE("malformed base64 is rejected with the reason", "[user-data]") {
  std::string problem;
  CHECK_FALSE(decode_base64("#!/bin/bash", problem));
  CHECK(problem.find("character '#' at offset 0") != std::string::npos);
  CHECK_FALSE(decode_base64("ZWNob", problem));
  CHECK(problem.find("length") != std::string::npos);
  CHECK_FALSE(decode_base64("ZW==Nv", problem));
}

// The seed article's user data (design.md): echo lines appended to the file.
TEST_CASE("echo lines appended to ecs.config are read", "[user-data]") {
  const EcsAgentConfig c = read(
      "#!/bin/bash\n"
      "echo ECS_CLUSTER=DemoApiClusterProd >> /etc/ecs/ecs.config\n"
      "echo \"ECS_ENABLE_SPOT_INSTANCE_DRAINING=true\" >> /etc/ecs/ecs.config\n"
      "echo 'ECS_CONTAINER_STOP_TIMEOUT=1m' | sudo tee -a /etc/ecs/ecs.config\n");
  CHECK(c.cluster == "DemoApiClusterProd");
  CHECK(c.spot_instance_draining);
  CHECK(c.container_stop_timeout == seconds(60));
  CHECK(c.variables.size() == 3);
}

TEST_CASE("heredocs into ecs.config are read and heredocs into other files are not", "[user-data]") {
  const EcsAgentConfig c = read(
      "#!/bin/bash\n"
      "cat <<'EOF' > /etc/motd\n"
      "ECS_CLUSTER=not-this-one\n"
      "EOF\n"
      "cat <<EOF >> /etc/ecs/ecs.config\n"
      "ECS_CLUSTER=\"from-heredoc\"\n"
      "ECS_RESERVED_MEMORY=256\n"
      "# a comment\n"
      "EOF\n"
      "sudo tee -a /etc/ecs/ecs.config <<-END\n"
      "\tECS_ENABLE_SPOT_INSTANCE_DRAINING=True\n"
      "\tEND\n");
  CHECK(c.cluster == "from-heredoc");
  CHECK(c.reserved_memory_mib == 256);
  CHECK(c.spot_instance_draining);
}

TEST_CASE("plain lines, printf and later settings are read as the agent sees the file", "[user-data]") {
  const EcsAgentConfig plain = read("ECS_CLUSTER=plain\nECS_CONTAINER_STOP_TIMEOUT=1m30s\n");
  CHECK(plain.cluster == "plain");
  CHECK(plain.container_stop_timeout == seconds(90));

  const EcsAgentConfig printf_form =
      read("printf \"ECS_CLUSTER=p\\nECS_ENABLE_SPOT_INSTANCE_DRAINING=1\\n\" >> /etc/ecs/ecs.config\n");
  CHECK(printf_form.cluster == "p");
  CHECK(printf_form.spot_instance_draining);

  // A later line wins; a single '>' replaces the file.
  const EcsAgentConfig later = read(
      "echo ECS_CLUSTER=a >> /etc/ecs/ecs.config\n"
      "echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config\n"
      "echo ECS_CLUSTER=b > /etc/ecs/ecs.config\n");
  CHECK(later.cluster == "b");
  CHECK_FALSE(later.spot_instance_draining);
  CHECK(later.variables.size() == 1);
}

TEST_CASE("without ECS settings the agent's defaults hold", "[user-data]") {
  const EcsConfigRead r = read_ecs_config("#!/bin/bash\nyum update -y\n");
  CHECK_FALSE(r.writes_ecs_config);
  CHECK_FALSE(r.config.cluster);
  CHECK_FALSE(r.config.spot_instance_draining);
  CHECK(r.config.container_stop_timeout == seconds(30));
}

// aws-semantics.md §4.1: Go durations; the agent discards a stop timeout under 1 s (keeps 30s).
TEST_CASE("agent values are checked the way the agent parses them", "[user-data]") {
  CHECK(has_error("ECS_CONTAINER_STOP_TIMEOUT=60\n", "Go duration"));
  CHECK(has_error("ECS_ENABLE_SPOT_INSTANCE_DRAINING=yes\n", "expected true or false"));
  CHECK(has_error("ECS_RESERVED_MEMORY=lots\n", "MiB"));
  const EcsConfigRead tiny = read_ecs_config("ECS_CONTAINER_STOP_TIMEOUT=500ms\n");
  REQUIRE(tiny.problems.size() == 1);
  CHECK(tiny.problems[0].severity == Diagnostic::Severity::warning);
  CHECK(tiny.config.container_stop_timeout == seconds(30));
  CHECK(parse_go_duration("2m") == minutes(2));
  CHECK_FALSE(parse_go_duration("1d"));
}
