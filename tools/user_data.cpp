#include "tools/user_data.hpp"

#include <array>
#include <cctype>

namespace spotsim {
namespace {

constexpr std::string_view kEcsConfig = "/etc/ecs/ecs.config";

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::string unquote(std::string_view v) {
  v = trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  return std::string(v);
}

Diagnostic problem(Diagnostic::Severity severity, std::size_t line, const std::string& message) {
  Diagnostic d;
  d.severity = severity;
  d.message = (line > 0 ? "line " + std::to_string(line) + " of the decoded user data: " : "") + message;
  return d;
}

struct Assignment {
  std::string name;
  std::string value;
};

// A whole line "ECS_X=Y" (heredoc bodies, plain lines); nullopt if it is not one.
std::optional<Assignment> line_assignment(std::string_view line) {
  line = trim(line);
  if (line.substr(0, 4) != "ECS_") return std::nullopt;
  const auto eq = line.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  const std::string_view name = line.substr(0, eq);
  for (char c : name)
    if (!is_name_char(c)) return std::nullopt;
  return Assignment{std::string(name), unquote(line.substr(eq + 1))};
}

// Every "ECS_X=Y" inside a command line (echo, printf, sh -c '...'). A printf "\n" separates
// settings, so "ECS_" right after a literal backslash-n starts one too.
std::vector<Assignment> inline_assignments(std::string_view line) {
  std::vector<Assignment> out;
  std::size_t pos = 0;
  while ((pos = line.find("ECS_", pos)) != std::string_view::npos) {
    const bool starts_token = pos == 0 || !is_name_char(line[pos - 1]) ||
                              (pos >= 2 && line[pos - 1] == 'n' && line[pos - 2] == '\\');
    std::size_t i = pos;
    while (i < line.size() && is_name_char(line[i])) ++i;
    if (!starts_token || i >= line.size() || line[i] != '=') {
      pos = i;
      continue;
    }
    Assignment a{std::string(line.substr(pos, i - pos)), ""};
    ++i;  // '='
    if (i < line.size() && (line[i] == '"' || line[i] == '\'')) {
      const char q = line[i];
      const auto close = line.find(q, i + 1);
      const std::size_t end = close == std::string_view::npos ? line.size() : close;
      a.value = std::string(line.substr(i + 1, end - i - 1));
      i = end + 1;
    } else {
      const std::size_t start = i;
      while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i])) &&
             std::string_view("'\">|;&\\").find(line[i]) == std::string_view::npos)
        ++i;
      a.value = std::string(line.substr(start, i - start));
    }
    out.push_back(std::move(a));
    pos = i;
  }
  return out;
}

// Does the command on this line replace /etc/ecs/ecs.config rather than append to it?
bool truncates_ecs_config(std::string_view line) {
  const auto at = line.find(kEcsConfig);
  std::string_view before = trim(line.substr(0, at));
  if (before.ends_with(">>")) return false;
  if (before.ends_with(">")) return true;
  const auto tee = line.find("tee ");
  if (tee != std::string_view::npos && tee < at) {
    const std::string_view args = line.substr(tee + 4, at - tee - 4);
    return args.find("-a") == std::string_view::npos && args.find("--append") == std::string_view::npos;
  }
  return false;
}

struct Heredoc {
  std::string delimiter;
  bool strip_tabs = false;
};

// "cat <<EOF >> file", "cat << 'EOF'", "<<-EOF": the delimiter, if the line opens a heredoc.
std::optional<Heredoc> heredoc_start(std::string_view line) {
  const auto at = line.find("<<");
  if (at == std::string_view::npos || line.substr(at, 3) == "<<<") return std::nullopt;
  std::size_t i = at + 2;
  Heredoc h;
  if (i < line.size() && line[i] == '-') h.strip_tabs = true, ++i;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  char quote = 0;
  if (i < line.size() && (line[i] == '\'' || line[i] == '"')) quote = line[i++];
  const std::size_t start = i;
  while (i < line.size() && (quote ? line[i] != quote : (is_name_char(line[i]) || line[i] == '-')))
    ++i;
  if (i == start) return std::nullopt;
  h.delimiter = std::string(line.substr(start, i - start));
  return h;
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text, std::string& problem) {
  std::array<int, 256> value{};
  value.fill(-1);
  const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t k = 0; k < alphabet.size(); ++k) value[static_cast<unsigned char>(alphabet[k])] = static_cast<int>(k);

  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t symbols = 0, padding = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (std::isspace(c)) continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0 || value[c] < 0) {
      problem = padding > 0 ? "invalid base64: data after '=' padding at offset " + std::to_string(i)
                            : "invalid base64: character '" + std::string(1, static_cast<char>(c)) +
                                  "' at offset " + std::to_string(i) +
                                  " (UserData must be base64, as describe-launch-template-versions prints it)";
      return std::nullopt;
    }
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value[c]);
    bits += 6;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (symbols % 4 == 1 || padding > 2 || (padding > 0 && (symbols + padding) % 4 != 0)) {
    problem = "invalid base64: the length is not a whole number of 4-character groups";
    return std::nullopt;
  }
  return out;
}

std::optional<SimTime> parse_go_duration(std::string_view text) {
  text = trim(text);
  if (text == "0") return 0;
  bool has_unit = false;
  for (char c : text) {
    if (c == 'd') return std::nullopt;  // Go has no day unit
    has_unit = has_unit || std::isalpha(static_cast<unsigned char>(c));
  }
  if (!has_unit) return std::nullopt;
  return parse_duration(text);
}

EcsConfigRead read_ecs_config(std::string_view script) {
  EcsConfigRead result;
  auto& vars = result.config.variables;
  if (script.size() >= 2 && static_cast<unsigned char>(script[0]) == 0x1f &&
      static_cast<unsigned char>(script[1]) == 0x8b) {
    result.problems.push_back(problem(Diagnostic::Severity::error, 0,
                                      "gzip-compressed user data is not supported: store it uncompressed"));
    return result;
  }
  auto set = [&](const Assignment& a, std::size_t line_no) {
    if (a.value.find('$') != std::string::npos)
      result.problems.push_back(problem(Diagnostic::Severity::warning, line_no,
                                        a.name + "=" + a.value +
                                            " uses a shell expansion; spotsim reads the value literally"));
    vars[a.name] = a.value;
    result.writes_ecs_config = true;
  };

  std::optional<Heredoc> heredoc;
  bool heredoc_into_ecs_config = false;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos <= script.size()) {
    const auto nl = script.find('\n', pos);
    std::string_view raw = script.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? script.size() + 1 : nl + 1;
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);

    if (heredoc) {
      std::string_view body = raw;
      if (heredoc->strip_tabs)
        while (!body.empty() && body.front() == '\t') body.remove_prefix(1);
      if (body == heredoc->delimiter) {
        heredoc.reset();
        continue;
      }
      if (heredoc_into_ecs_config)
        if (auto a = line_assignment(body)) set(*a, line_no);
      continue;
    }

    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    const bool targets_ecs_config = line.find(kEcsConfig) != std::string_view::npos;
    if (auto h = heredoc_start(line)) {
      heredoc = h;
      heredoc_into_ecs_config = targets_ecs_config;
      if (targets_ecs_config && truncates_ecs_config(line)) vars.clear();
      continue;
    }
    if (targets_ecs_config) {
      if (truncates_ecs_config(line)) vars.clear();
      for (const auto& a : inline_assignments(line)) set(a, line_no);
    } else if (auto a = line_assignment(line)) {
      set(*a, line_no);
    }
  }
  if (heredoc)
    result.problems.push_back(problem(Diagnostic::Severity::warning, line_no,
                                      "heredoc not closed: expected a line \"" + heredoc->delimiter + "\""));
  interpret_ecs_variables(result.config, result.problems);
  return result;
}

void interpret_ecs_variables(EcsAgentConfig& config, std::vector<Diagnostic>& problems) {
  const auto& vars = config.variables;
  auto error = [&](const std::string& message) { problems.push_back(problem(Diagnostic::Severity::error, 0, message)); };

  if (auto it = vars.find("ECS_CLUSTER"); it != vars.end()) config.cluster = it->second;

  // The agent reads booleans with Go's strconv.ParseBool.
  if (auto it = vars.find("ECS_ENABLE_SPOT_INSTANCE_DRAINING"); it != vars.end()) {
    static constexpr std::string_view yes[] = {"1", "t", "T", "TRUE", "true", "True"};
    static constexpr std::string_view no[] = {"0", "f", "F", "FALSE", "false", "False"};
    bool known = false;
    for (auto y : yes)
      if (it->second == y) config.spot_instance_draining = true, known = true;
    for (auto n : no)
      if (it->second == n) config.spot_instance_draining = false, known = true;
    if (!known)
      error("ECS_ENABLE_SPOT_INSTANCE_DRAINING: expected true or false, found \"" + it->second +
            "\" (the agent would ignore it and leave draining off)");
  }

  // aws-semantics.md §4.1: Go duration; below the 1 s minimum the agent discards it and keeps 30s.
  if (auto it = vars.find("ECS_CONTAINER_STOP_TIMEOUT"); it != vars.end()) {
    const auto d = parse_go_duration(it->second);
    if (!d) {
      error("ECS_CONTAINER_STOP_TIMEOUT: expected a Go duration such as \"30s\" or \"1m\", found \"" +
            it->second + "\"");
    } else if (*d < seconds(1)) {
      problems.push_back(problem(Diagnostic::Severity::warning, 0,
                                 "ECS_CONTAINER_STOP_TIMEOUT=" + it->second +
                                     " is below the agent's 1s minimum: the agent discards it and uses 30s"));
      config.container_stop_timeout = seconds(30);
    } else {
      config.container_stop_timeout = *d;
    }
  }

  // The agent parses ECS_RESERVED_MEMORY as an unsigned 16-bit count of MiB.
  if (auto it = vars.find("ECS_RESERVED_MEMORY"); it != vars.end()) {
    const std::string& v = it->second;
    bool digits = !v.empty() && v.size() <= 5;
    for (char c : v) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    const int mib = digits ? std::stoi(v) : -1;
    if (mib < 0 || mib > 65535)
      error("ECS_RESERVED_MEMORY: expected MiB from 0 to 65535, found \"" + v + "\"");
    else
      config.reserved_memory_mib = mib;
  }
}

}  // namespace spotsim
