#include "tools/overrides.hpp"

#include <cctype>
#include <vector>

#include "tools/input_error.hpp"
#include "tools/json_reader.hpp"

namespace spotsim {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw InputError("--set", path, message);
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto at = s.find(sep, start);
    out.emplace_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return out;
}

std::string unescape_pointer_token(const std::string& token, const std::string& path) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] != '~') {
      out += token[i];
    } else if (i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      fail(path, "invalid JSON pointer: '~' must be followed by 0 or 1");
    }
  }
  return out;
}

std::optional<std::size_t> array_index(const std::string& token) {
  if (token.empty() || token.size() > 9) return std::nullopt;
  for (char c : token)
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  if (token.size() > 1 && token[0] == '0') return std::nullopt;
  return static_cast<std::size_t>(std::stoul(token));
}

}  // namespace

Override parse_override(std::string_view argument) {
  const auto eq = argument.find('=');
  if (eq == std::string_view::npos || eq == 0)
    throw InputError("--set", "", "expected PATH=VALUE (PATH a JSON pointer or dotted path), found \"" +
                                      std::string(argument) + "\"");
  Override o;
  o.path = std::string(argument.substr(0, eq));
  const std::string text(argument.substr(eq + 1));
  o.value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (o.value.is_discarded()) o.value = text;
  return o;
}

std::string apply_override(nlohmann::json& doc, const Override& o) {
  const bool is_pointer = !o.path.empty() && o.path[0] == '/';
  std::vector<std::string> steps = is_pointer ? split(std::string_view(o.path).substr(1), '/') : split(o.path, '.');
  if (is_pointer)
    for (auto& s : steps) s = unescape_pointer_token(s, o.path);

  nlohmann::json* node = &doc;
  std::string pointer;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const bool last = i + 1 == steps.size();
    if (node->is_object()) {
      std::string key = steps[i];
      // Dotted paths: a key with dots ("m5.large") spans several steps.
      if (!is_pointer && !node->contains(key)) {
        for (std::size_t j = i + 1; j < steps.size(); ++j) {
          std::string joined = steps[i];
          for (std::size_t k = i + 1; k <= j; ++k) joined += "." + steps[k];
          if (node->contains(joined)) {
            key = joined;
            i = j;
            break;
          }
        }
      }
      const bool now_last = i + 1 == steps.size();
      pointer = pointer_append(pointer, key);
      if (now_last) {
        (*node)[key] = o.value;
        return pointer;
      }
      if (!node->contains(key)) {
        std::string hint;
        if (!is_pointer) hint = " (for a key containing dots, write PATH as a JSON pointer, e.g. /a/m5.large)";
        fail(o.path, pointer + " does not exist, so it cannot hold " + steps[i + 1] + hint);
      }
      node = &(*node)[key];
    } else if (node->is_array()) {
      const auto index = steps[i] == "-" ? std::optional<std::size_t>(node->size()) : array_index(steps[i]);
      if (!index)
        fail(o.path, (pointer.empty() ? "/" : pointer) + " is an array: expected an index, found \"" + steps[i] + "\"");
      pointer = pointer_append(pointer, *index);
      if (*index > node->size() || (*index == node->size() && !last))
        fail(o.path, pointer + " does not exist (the array has " + std::to_string(node->size()) + " elements)");
      if (last) {
        if (*index == node->size())
          node->push_back(o.value);
        else
          (*node)[*index] = o.value;
        return pointer;
      }
      node = &(*node)[*index];
    } else {
      fail(o.path, (pointer.empty() ? "/" : pointer) + " is " + describe_json(*node) +
                       ", not an object or array, so it cannot hold " + steps[i]);
    }
  }
  // Empty path ("/" alone gives one empty step, handled above): replace the whole document.
  fail(o.path, "the path is empty");
}

}  // namespace spotsim
