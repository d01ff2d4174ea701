#pragma once
// Launch template user data: base64 as describe-launch-template-versions prints it, decoded to the
// script, from which the lines written into /etc/ecs/ecs.config are read as the ECS agent would see
// them (aws-semantics.md §4.1).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/ecs_agent_config.hpp"
#include "tools/input_error.hpp"

namespace spotsim {

// RFC 4648 §4 base64; whitespace and line breaks are ignored, padding may be omitted. On failure
// returns nullopt and says why in `problem`.
std::optional<std::string> decode_base64(std::string_view text, std::string& problem);

struct EcsConfigRead {
  EcsAgentConfig config;
  bool writes_ecs_config = false;  // the script writes at least one ECS_* setting
  // Problems found, with `where` and `file` left empty for the caller to fill; messages start with
  // "line N of the decoded user data".
  std::vector<Diagnostic> problems;
};

// Reads the ECS_* settings a user data script leaves in /etc/ecs/ecs.config. Understood forms:
//   echo ECS_X=Y >> /etc/ecs/ecs.config          (also quoted, `| tee -a`, `sudo sh -c '...'`)
//   printf "ECS_X=Y\nECS_Z=W\n" >> /etc/ecs/ecs.config
//   cat <<EOF >> /etc/ecs/ecs.config ... EOF     (also <<-, quoted delimiters, `tee -a ... <<EOF`)
//   ECS_X=Y                                      (plain lines, as in a user data that is the file)
// A single `>` (or `tee` without -a) truncates the file: settings written before are dropped.
// Heredocs into other files are skipped. Later settings win, as in an environment file.
EcsConfigRead read_ecs_config(std::string_view script);

// Interprets the collected variables into the typed settings (ECS_CLUSTER,
// ECS_ENABLE_SPOT_INSTANCE_DRAINING, ECS_CONTAINER_STOP_TIMEOUT, ECS_RESERVED_MEMORY) the way the
// agent parses them (amazon-ecs-agent agent/config/parse.go); problems are appended to `problems`.
void interpret_ecs_variables(EcsAgentConfig& config, std::vector<Diagnostic>& problems);

// Go's time.ParseDuration for the units ecs.config uses ("500ms", "30s", "1m", "1m30s", "1.5h");
// a bare number other than "0" is not a Go duration.
std::optional<SimTime> parse_go_duration(std::string_view text);

}  // namespace spotsim
