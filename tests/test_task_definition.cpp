// models/task_definition.hpp: what a task reserves on a container instance, the host ports it holds,
// its stop timeout and the container health check that decides its health. Rules: ECS task
// definition parameters (API-ECS ContainerDefinition memory / memoryReservation / stopTimeout /
// healthCheck), aws-semantics.md §4.1 (ECS_CONTAINER_STOP_TIMEOUT) and AG-4.
#include <catch2/catch.hpp>

#include "models/task_definition.hpp"

namespace spotsim {
namespace {

ContainerDefinition container(std::string name, int cpu, std::optional<int> memory,
                              std::optional<int> reservation) {
  ContainerDefinition c;
  c.name = std::move(name);
  c.cpu = cpu;
  c.memory = memory;
  c.memory_reservation = reservation;
  return c;
}

TaskDefinition task_of(std::vector<ContainerDefinition> containers) {
  TaskDefinition td;
  td.family = "demo-api";
  td.containers = std::move(containers);
  return td;
}

}  // namespace

// API-ECS ContainerDefinition.memory: "If you specify memoryReservation, then that value is
// subtracted from the available memory resources for the container instance ... Otherwise, the
// value of memory is used." The seed article's task: soft 2,048 MiB, hard limit above it.
TEST_CASE("a container reserves its soft limit when it has one, else its hard limit") {
  CHECK(task_of({container("app", 1024, 3072, 2048)}).reserved_memory_mib() == 2048);
  CHECK(task_of({container("app", 1024, 3072, std::nullopt)}).reserved_memory_mib() == 3072);
  CHECK(task_of({container("app", 1024, std::nullopt, 512)}).reserved_memory_mib() == 512);
}

TEST_CASE("without task-level values the task reserves the sum over its containers") {
  // app: soft 512 (hard 1,024); sidecar: hard 256 only; log router: soft 64 only.
  const auto td = task_of({container("app", 512, 1024, 512), container("sidecar", 256, 256, std::nullopt),
                           container("log-router", 0, std::nullopt, 64)});
  CHECK(td.reserved_memory_mib() == 512 + 256 + 64);
  CHECK(td.reserved_cpu() == 512 + 256 + 0);  // a container without cpu reserves none on EC2
}

// Task size: task-level cpu and memory, when given, are what placement reserves, whatever the
// containers say (the ECS guide's memory-management page: task-level memory takes precedence).
TEST_CASE("task-level cpu and memory override the containers' figures") {
  auto td = task_of({container("app", 256, 1024, 512), container("sidecar", 128, 256, std::nullopt)});
  td.cpu = 1024;
  td.memory = 2048;
  CHECK(td.reserved_cpu() == 1024);
  CHECK(td.reserved_memory_mib() == 2048);

  td.cpu.reset();  // each level independently
  CHECK(td.reserved_cpu() == 256 + 128);
  CHECK(td.reserved_memory_mib() == 2048);
}

// ALB-10 / the seed article: hostPort 0 in bridge mode is a dynamic port and holds no static one; a
// non-zero hostPort is static (one task per instance per port).
TEST_CASE("bridge mode holds only the non-zero host ports") {
  auto app = container("app", 256, 512, std::nullopt);
  app.port_mappings = {{3000, 0}, {9090, 9090}};
  auto sidecar = container("sidecar", 0, 64, std::nullopt);
  sidecar.port_mappings = {{8080, 80}, {8081, 9090}};  // 9090 twice: listed once
  const auto td = task_of({app, sidecar});
  CHECK(td.static_host_ports() == std::vector<int>{80, 9090});

  auto dynamic_only = container("app", 256, 512, std::nullopt);
  dynamic_only.port_mappings = {{3000, 0}};
  CHECK(task_of({dynamic_only}).static_host_ports().empty());
}

TEST_CASE("host mode holds the container ports and awsvpc holds none") {
  auto app = container("app", 256, 512, std::nullopt);
  app.port_mappings = {{3000, 0}, {8443, 8443}};
  auto td = task_of({app});
  td.network_mode = "host";
  CHECK(td.static_host_ports() == std::vector<int>{3000, 8443});
  td.network_mode = "awsvpc";  // each task has its own network interface
  CHECK(td.static_host_ports().empty());
}

// §4.1: ECS_CONTAINER_STOP_TIMEOUT (default 30 s) unless the container's stopTimeout overrides it,
// shorter or longer; the task waits for its slowest container.
TEST_CASE("a container's stopTimeout overrides the agent's, and the task takes the longest") {
  auto app = container("app", 256, 512, std::nullopt);
  CHECK(task_of({app}).stop_timeout(seconds(30)) == seconds(30));
  CHECK(task_of({app}).stop_timeout(minutes(1)) == minutes(1));  // the seed article's ecs.config

  app.stop_timeout = seconds(120);
  CHECK(task_of({app}).stop_timeout(seconds(30)) == seconds(120));
  app.stop_timeout = seconds(10);
  CHECK(task_of({app}).stop_timeout(minutes(1)) == seconds(10));

  auto sidecar = container("sidecar", 0, 64, std::nullopt);  // no override: the agent's 30 s
  CHECK(task_of({app, sidecar}).stop_timeout(seconds(30)) == seconds(30));
  sidecar.stop_timeout = seconds(45);
  CHECK(task_of({app, sidecar}).stop_timeout(seconds(30)) == seconds(45));
}

// AG-4: the task's health follows its essential containers; non-essential checks do not count.
TEST_CASE("the task's health check is its essential container's") {
  auto app = container("app", 256, 512, std::nullopt);
  CHECK_FALSE(task_of({app}).health_check());

  ContainerHealthCheck check;
  check.interval = seconds(10);
  check.retries = 2;
  app.health_check = check;
  auto probe = container("probe", 0, 64, std::nullopt);
  probe.essential = false;
  probe.health_check = ContainerHealthCheck{seconds(300), seconds(60), 10, seconds(300)};
  const auto health = task_of({app, probe}).health_check();
  REQUIRE(health);
  CHECK(health->interval == seconds(10));
  CHECK(health->timeout == seconds(5));
  CHECK(health->retries == 2);
  CHECK(health->start_period == 0);

  app.essential = false;  // only a non-essential check left
  CHECK_FALSE(task_of({app, probe}).health_check());
}

// Documented simplification: with several essential checks, each parameter's largest value (the
// check that makes the task healthy last).
TEST_CASE("several essential checks combine into the slowest of each parameter") {
  auto app = container("app", 256, 512, std::nullopt);
  app.health_check = ContainerHealthCheck{seconds(10), seconds(8), 2, seconds(60)};
  auto worker = container("worker", 256, 512, std::nullopt);
  worker.health_check = ContainerHealthCheck{seconds(30), seconds(5), 5, seconds(0)};
  const auto health = task_of({app, worker}).health_check();
  REQUIRE(health);
  CHECK(health->interval == seconds(30));
  CHECK(health->timeout == seconds(8));
  CHECK(health->retries == 5);
  CHECK(health->start_period == seconds(60));
}

}  // namespace spotsim
