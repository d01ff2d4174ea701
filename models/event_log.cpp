#include "models/event_log.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace spotsim {

namespace {

constexpr std::size_t kFlushAt = 64 * 1024;

}  // namespace

const char* to_string(Entity e) {
  switch (e) {
    case Entity::instance: return "instance";
    case Entity::container_instance: return "container_instance";
    case Entity::task: return "task";
    case Entity::target: return "target";
    case Entity::service: return "service";
    case Entity::auto_scaling_group: return "auto_scaling_group";
    case Entity::alarm: return "alarm";
  }
  return "unknown";
}

const char* event_name(TaskState s) {
  switch (s) {
    case TaskState::provisioning: return "provisioning";
    case TaskState::pending: return "pending";
    case TaskState::activating: return "activating";
    case TaskState::running: return "running";
    case TaskState::deactivating: return "deactivating";
    case TaskState::stopping: return "stopping";
    case TaskState::deprovisioning: return "deprovisioning";
    case TaskState::stopped: return "stopped";
  }
  return "unknown";
}

EventLog::EventLog(std::ostream& out, std::int64_t start_epoch_ms) : out_(out), start_epoch_ms_(start_epoch_ms) {
  buffer_.reserve(kFlushAt + 1024);
}

EventLog::~EventLog() { flush(); }

bool EventLog::flush() {
  if (!buffer_.empty()) out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  buffer_.clear();
  out_.flush();
  return static_cast<bool>(out_);
}

std::string EventLog::instance_id(InstanceId id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "i-%016" PRIx32, id.value);
  return buf;
}

const std::string& EventLog::name(const std::vector<std::string>& names, std::size_t i) const {
  static const std::string unknown = "?";
  return i < names.size() ? names[i] : unknown;
}

std::string EventLog::task_id(std::uint32_t service, std::uint32_t task) const {
  std::string id = name(names_.services, service);
  id += '/';
  id += std::to_string(task);
  return id;
}

void EventLog::quoted(std::string_view value) {
  // JSON string: quotes, backslashes and control characters escaped (as nlohmann::json's dump()
  // escapes them); UTF-8 passes through.
  buffer_ += '"';
  const auto plain = [](char c) { return c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20; };
  if (std::all_of(value.begin(), value.end(), plain)) {  // names and ids: nothing to escape
    buffer_.append(value);
    buffer_ += '"';
    return;
  }
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      buffer_ += '\\';
      buffer_ += c;
    } else if (c == '\n') {
      buffer_ += "\\n";
    } else if (c == '\t') {
      buffer_ += "\\t";
    } else if (c == '\r') {
      buffer_ += "\\r";
    } else if (c == '\b') {
      buffer_ += "\\b";
    } else if (c == '\f') {
      buffer_ += "\\f";
    } else if (u < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", u);
      buffer_ += esc;
    } else {
      buffer_ += c;
    }
  }
  buffer_ += '"';
}

void EventLog::key(std::string_view key) {
  buffer_ += ',';
  quoted(key);
  buffer_ += ':';
}

void EventLog::append_time(SimTime t) {
  const std::int64_t epoch_ms = start_epoch_ms_ + t;
  const std::int64_t second = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
  if (second != cached_second_) {
    cached_second_ = second;
    cached_time_ = format_iso8601(epoch_ms);
  }
  buffer_ += '"';
  buffer_ += cached_time_;
  buffer_ += '"';
}

EventLog::Line EventLog::line(SimTime t, Entity entity, std::string_view id, std::string_view event) {
  buffer_ += "{\"t\":";
  buffer_ += std::to_string(t);
  buffer_ += ",\"time\":";
  append_time(t);
  buffer_ += ",\"entity\":\"";
  buffer_ += to_string(entity);
  buffer_ += "\",\"id\":";
  quoted(id);
  buffer_ += ",\"event\":";
  quoted(event);
  return Line(*this);
}

void EventLog::end_line() {
  buffer_ += "}\n";
  ++lines_;
  if (buffer_.size() >= kFlushAt) {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }
}

EventLog::Line EventLog::instance(SimTime t, const Ec2Instance& i, std::string_view event) {
  Line l = line(t, Entity::instance, instance_id(i.id), event);
  l.str("purchase", i.option == PurchaseOption::spot ? "spot" : "on-demand")
      .str("instance_type", name(names_.pool_types, i.pool))
      .str("availability_zone", name(names_.pool_zones, i.pool))
      .str("group", name(names_.groups, i.group));
  return l;
}

EventLog::Line EventLog::task(SimTime t, const EcsTask& task, std::string_view event) {
  Line l = line(t, Entity::task, task_id(task.service, task.id), event);
  l.str("service", name(names_.services, task.service))
      .instance("instance", task.ec2)
      .str("task_definition", name(names_.task_definitions, task.task_definition));
  return l;
}

EventLog::Line EventLog::target(SimTime t, std::uint32_t target_group, std::uint32_t service, std::uint32_t task,
                                InstanceId instance, std::string_view event) {
  const std::string& group = name(names_.target_groups, target_group);
  const std::string task_name = task_id(service, task);
  std::string id = group;
  id += '/';
  id += task_name;
  Line l = line(t, Entity::target, id, event);
  l.str("target_group", group).str("service", name(names_.services, service)).str("task", task_name);
  l.instance("instance", instance);
  return l;
}

EventLog::Line::~Line() {
  if (open_) log_.end_line();
}

EventLog::Line& EventLog::Line::str(std::string_view key, std::string_view value) {
  log_.key(key);
  log_.quoted(value);
  return *this;
}

EventLog::Line& EventLog::Line::num(std::string_view key, std::int64_t value) {
  log_.key(key);
  log_.buffer_ += std::to_string(value);
  return *this;
}

EventLog::Line& EventLog::Line::boolean(std::string_view key, bool value) {
  log_.key(key);
  log_.buffer_ += value ? "true" : "false";
  return *this;
}

EventLog::Line& EventLog::Line::time(std::string_view key, SimTime t) {
  log_.key(key);
  log_.append_time(t);
  return *this;
}

EventLog::Line& EventLog::Line::instance(std::string_view key, InstanceId id) { return str(key, instance_id(id)); }

}  // namespace spotsim
