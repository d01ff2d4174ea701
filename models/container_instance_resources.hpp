#pragma once
// What an EC2 instance registers with ECS when its agent joins the cluster (aws-semantics.md §4.1;
// ECS guide "Reserving Amazon ECS Linux container instance memory"): cpu = vCPU × 1024 units, and
// memory = the total memory the operating system reports (MemTotal, below the installed memory:
// the kernel and platform keep part of it) less ECS_RESERVED_MEMORY. The per-type figures, their
// sources and the formula used for other types are in container_instance_resources.cpp.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/instance_catalog.hpp"

namespace spotsim {

struct ContainerInstanceResources {
  int cpu = 0;         // cpu units
  int memory_mib = 0;  // MiB
};

// vCPU × 1024.
int registrable_cpu_units(int vcpu);

// Memory the agent registers on the ECS-optimized Amazon Linux 2 AMI for an instance of this type
// and installed memory, less `reserved_memory_mib` (ECS_RESERVED_MEMORY, >= 0): the observed figure
// when the table has the type (and its installed memory agrees), else the fitted formula. May be
// zero or negative when the reservation is at least the instance's memory; the agent then refuses
// to register (see registrable_resources).
int registrable_memory_mib(const std::string& instance_type, int physical_memory_mib, int reserved_memory_mib);

// Both resources; nullopt when the agent would refuse to register: it exits with an error when the
// reserved memory exceeds the instance's (amazon-ecs-agent PR #897), and an instance with no
// memory left could not run a task anyway.
std::optional<ContainerInstanceResources> registrable_resources(const InstanceTypeInfo& type,
                                                                int reserved_memory_mib);

// The fitted formula alone (MiB registered before ECS_RESERVED_MEMORY), for types the table lacks.
int fitted_registered_memory_mib(int physical_memory_mib);

// The table: what describe-container-instances showed as registeredResources MEMORY (no reserved
// memory) for a type, if a public source gives it.
struct ObservedRegisteredMemory {
  std::string_view instance_type;
  int physical_memory_mib;
  int registered_memory_mib;
  bool amazon_linux_2;  // false: a figure from the earlier Amazon Linux ECS-optimized AMI
};
std::optional<ObservedRegisteredMemory> observed_registered_memory(std::string_view instance_type);
std::vector<ObservedRegisteredMemory> observed_registered_memory_table();

}  // namespace spotsim
