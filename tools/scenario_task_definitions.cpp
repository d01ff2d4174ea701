// taskDefinitions: `aws ecs describe-task-definition`'s .taskDefinition, one per entry. AWS's rules
// for what RegisterTaskDefinition accepts come from the API reference (API-ECS ContainerDefinition,
// RegisterTaskDefinitionRequest, HealthCheck); AG-4 gives the health check's ranges and defaults.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include "tools/scenario_parts.hpp"

namespace spotsim {
namespace {

// RegisterTaskDefinition, EC2 launch type: task-level cpu "between 128 CPU units (0.125 vCPUs) and
// 196608 CPU units (192 vCPUs)".
constexpr int kMinTaskCpu = 128;
constexpr int kMaxCpu = 196'608;
constexpr int kMaxMemoryMib = 24 * 1024 * 1024;  // 24 TiB, the largest EC2 instance; a typo guard
constexpr std::size_t kMaxContainers = 10;       // ECS quota: containers per task definition

// Task-level cpu and memory: AWS prints them as strings ("512"); registration also takes "1 vCPU"
// (cpu) and "2 GB" (memory), which describe returns unchanged. `unit` is "vcpu" or "gb"; either
// stands for 1,024 of the base unit.
std::optional<int> task_size(const Node& n, std::string_view unit, int min, int max) {
  if (!n.present()) return std::nullopt;
  if (!n.json()->is_string()) return n.int32(min, max);
  std::string text;
  for (char c : n.json()->get<std::string>())
    if (c != ' ') text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  double scale = 1;
  if (text.size() > unit.size() && text.ends_with(unit)) {
    text.resize(text.size() - unit.size());
    scale = 1024;
  }
  double v = 0;
  std::size_t used = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const double units = v * scale;
  if (used == 0 || used != text.size() || !std::isfinite(units) || units != std::floor(units)) {
    n.error(std::string(unit == "vcpu" ? "expected cpu units such as \"512\" or \"0.5 vCPU\""
                                       : "expected MiB such as \"1024\" or \"1 GB\"") +
            ", found " + describe_json(*n.json()));
    return std::nullopt;
  }
  if (units < min || units > max) {
    n.error("expected from " + std::to_string(min) + " to " + std::to_string(max) +
            (unit == "vcpu" ? " cpu units" : " MiB") + ", found " + describe_json(*n.json()));
    return std::nullopt;
  }
  return static_cast<int>(units);
}

// AG-4: interval 5-300 s (30), timeout 2-60 s (5), retries 1-10 (3), startPeriod 0-300 s (off).
ContainerHealthCheck load_health_check(const Node& h) {
  ContainerHealthCheck c;
  if (auto v = h["interval"].int32(5, 300)) c.interval = seconds(*v);
  if (auto v = h["timeout"].int32(2, 60)) c.timeout = seconds(*v);
  if (auto v = h["retries"].int32(1, 10)) c.retries = *v;
  if (auto v = h["startPeriod"].int32(0, 300)) c.start_period = seconds(*v);
  return c;
}

// portMappings by network mode: bridge takes hostPort 0 (or none) as a dynamic port (ALB-10) and
// hostPort > 0 as a static one; host and awsvpc bind the container port itself, so a hostPort must
// equal it (API-ECS PortMapping); "none" has no network to map.
void load_port_mappings(const Node& list, const std::string& mode, ContainerDefinition& c,
                        std::set<int>& static_ports) {
  const auto mappings = list.elements();  // reports a wrong type
  if (mode == "none" && !mappings.empty()) {
    list.error("network mode \"none\" has no ports to map: AWS rejects portMappings here");
    return;
  }
  for (const Node& m : mappings) {
    if (!m.is_object()) continue;
    if (m["containerPortRange"].present()) {
      m["containerPortRange"].error("port ranges (containerPortRange) are not supported: map single ports");
      continue;
    }
    PortMapping p;
    if (m["containerPort"].require()) p.container_port = m["containerPort"].int32(1, 65535).value_or(0);
    const auto host = m["hostPort"].int32(0, 65535);
    if (mode == "bridge") {
      p.host_port = host.value_or(0);
    } else {
      if (host && *host != 0 && *host != p.container_port)
        m["hostPort"].error("in " + mode + " network mode the host port is the container port (" +
                            std::to_string(p.container_port) + "): AWS rejects a different hostPort");
      p.host_port = p.container_port;
    }
    if (p.host_port > 0 && !static_ports.insert(p.host_port).second)
      (m["hostPort"].present() ? m["hostPort"] : m["containerPort"])
          .error("host port " + std::to_string(p.host_port) + " is mapped twice in this task definition: "
                 "one instance port cannot serve two containers");
    c.port_mappings.push_back(p);
  }
}

ContainerDefinition load_container(const Node& n, const std::string& mode, bool task_memory,
                                   std::set<int>& static_ports) {
  ContainerDefinition c;
  if (n["name"].require()) c.name = n["name"].nonempty_string().value_or("");
  if (auto v = n["cpu"].int32(0, kMaxCpu)) c.cpu = *v;
  c.memory = n["memory"].int32(1, kMaxMemoryMib);
  c.memory_reservation = n["memoryReservation"].int32(1, kMaxMemoryMib);
  // API-ECS ContainerDefinition.memory: "you must specify either a task-level memory value or a
  // container-level memory value" (memory or memoryReservation, each a non-zero integer).
  if (!task_memory && !n["memory"].present() && !n["memoryReservation"].present())
    n.error("container \"" + c.name + "\" has neither memory nor memoryReservation and the task definition has "
            "no task-level memory: AWS requires one of them");
  // AWS's text says memory "must be greater than memoryReservation"; equal values are taken too, so
  // only a reservation above the hard limit is refused.
  if (c.memory && c.memory_reservation && *c.memory_reservation > *c.memory)
    n["memoryReservation"].error("memoryReservation " + std::to_string(*c.memory_reservation) +
                                 " MiB is above the container's hard limit memory " + std::to_string(*c.memory) +
                                 " MiB: AWS requires memory to be greater");
  if (auto v = n["essential"].boolean()) c.essential = *v;
  load_port_mappings(n["portMappings"], mode, c, static_ports);
  // Seconds; overrides the agent's ECS_CONTAINER_STOP_TIMEOUT (§4.1; no maximum on EC2).
  if (auto v = n["stopTimeout"].int32(0, INT32_MAX)) c.stop_timeout = seconds(*v);
  if (n["healthCheck"].is_object()) c.health_check = load_health_check(n["healthCheck"]);
  return c;
}

// Revision from an ARN's "task-definition/family:revision" suffix.
std::optional<int> arn_revision(const std::string& arn, const std::string& family) {
  const std::string marker = "task-definition/" + family + ":";
  const auto at = arn.rfind(marker);
  if (at == std::string::npos) return std::nullopt;
  const std::string tail = arn.substr(at + marker.size());
  if (tail.empty() || tail.size() > 9 || !std::all_of(tail.begin(), tail.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  return std::stoi(tail);
}

void load_task_definition(const Node& n, LoadContext& ctx) {
  TaskDefinition td;
  bool ec2_compatible = true;
  if (n.is_object()) {
    if (n["family"].require()) td.family = n["family"].nonempty_string().value_or("");
    const auto arn = n["taskDefinitionArn"].nonempty_string();
    // 0: the ARN gives no revision (a plain int keeps GCC 12's -Wmaybe-uninitialized quiet).
    const int arn_rev = arn ? arn_revision(*arn, td.family).value_or(0) : 0;
    if (arn && arn_rev == 0 && !td.family.empty())
      n["taskDefinitionArn"].error("expected an ARN ending in task-definition/" + td.family +
                                   ":<revision>, found \"" + *arn + "\"");
    if (auto v = n["revision"].int32(1, INT32_MAX))
      td.revision = *v;
    else if (arn_rev > 0)
      td.revision = arn_rev;  // hand-written scenarios may give only the ARN
    if (arn_rev > 0 && arn_rev != td.revision)
      n["revision"].error("revision " + std::to_string(td.revision) + " disagrees with taskDefinitionArn (revision " +
                          std::to_string(arn_rev) + ")");
    td.arn = arn.value_or("");
    for (const auto& other : ctx.world.task_definitions)
      if (!td.family.empty() && other.family_revision() == td.family_revision())
        n.error("task definition " + td.family_revision() + " is listed twice");

    td.cpu = task_size(n["cpu"], "vcpu", kMinTaskCpu, kMaxCpu);
    td.memory = task_size(n["memory"], "gb", 1, kMaxMemoryMib);
    if (auto mode = n["networkMode"].one_of({"bridge", "host", "awsvpc", "none"})) td.network_mode = *mode;
    if (!n["placementConstraints"].elements().empty())
      n["placementConstraints"].error("task definition placement constraints are not supported yet: give them "
                                      "in the service's placementConstraints");
    const auto compatibilities = n["requiresCompatibilities"].elements();
    if (!compatibilities.empty()) ec2_compatible = false;
    for (const Node& c : compatibilities)
      if (c.string() == "EC2") ec2_compatible = true;

    const Node containers = n["containerDefinitions"];
    std::set<int> static_ports;
    if (containers.require() && containers.is_array()) {
      if (containers.json()->empty()) containers.error("expected at least one container, found an empty array");
      if (containers.json()->size() > kMaxContainers)
        containers.error("expected at most " + std::to_string(kMaxContainers) + " containers (ECS quota), found " +
                         std::to_string(containers.json()->size()));
      for (const Node& c : containers.elements()) {
        if (!c.is_object()) continue;
        ContainerDefinition def = load_container(c, td.network_mode, td.memory.has_value(), static_ports);
        for (const auto& other : td.containers)
          if (!def.name.empty() && other.name == def.name)
            c["name"].error("two containers are named \"" + def.name + "\"");
        td.containers.push_back(std::move(def));
      }
      if (!td.containers.empty() && std::none_of(td.containers.begin(), td.containers.end(),
                                                 [](const auto& c) { return c.essential; }))
        containers.error("no container is essential: AWS requires at least one essential container per task");
    }
    // API-ECS ContainerDefinition: "The total amount of memory reserved for all containers within a
    // task must be lower than the task memory value" (cpu alike).
    int cpu_sum = 0, memory_sum = 0;
    for (const auto& c : td.containers) {
      cpu_sum += c.cpu;
      memory_sum += c.memory_reservation.value_or(c.memory.value_or(0));
    }
    if (td.cpu && cpu_sum > *td.cpu)
      n["cpu"].error("the containers reserve " + std::to_string(cpu_sum) + " cpu units, more than the task's " +
                     std::to_string(*td.cpu) + ": AWS rejects this task definition");
    if (td.memory && memory_sum > *td.memory)
      n["memory"].error("the containers reserve " + std::to_string(memory_sum) + " MiB, more than the task's " +
                        std::to_string(*td.memory) + " MiB: AWS rejects this task definition");
  }
  ctx.world.task_definitions.push_back(std::move(td));
  ctx.ecs.task_definition_ec2_compatible.push_back(ec2_compatible);
}

}  // namespace

void load_task_definitions(const Node& root, LoadContext& ctx) {
  for (const Node& n : root["taskDefinitions"].elements()) load_task_definition(n, ctx);
}

std::optional<std::size_t> find_task_definition(const std::string& reference, const WorldConfig& world) {
  const auto& tds = world.task_definitions;
  for (std::size_t i = 0; i < tds.size(); ++i)
    if (!tds[i].arn.empty() && tds[i].arn == reference) return i;
  // An ARN from another account or a scenario without ARNs: its "family:revision" decides.
  std::string ref = reference;
  if (const auto at = ref.rfind("task-definition/"); ref.rfind("arn:", 0) == 0 && at != std::string::npos)
    ref = ref.substr(at + std::string("task-definition/").size());
  std::optional<std::size_t> latest;
  for (std::size_t i = 0; i < tds.size(); ++i) {
    if (tds[i].family_revision() == ref) return i;
    if (tds[i].family == ref && (!latest || tds[i].revision > tds[*latest].revision)) latest = i;
  }
  return latest;
}

std::string task_definition_list(const WorldConfig& world) {
  std::string s;
  for (const auto& td : world.task_definitions) s += (s.empty() ? "" : ", ") + td.family_revision();
  return s.empty() ? "none: taskDefinitions is empty" : s;
}

}  // namespace spotsim
