#pragma once
// `--set PATH=VALUE` (contract.md "Common options"): PATH is a JSON pointer ("/a/0/b") or a dotted
// path ("a.0.b"); VALUE is parsed as JSON if it parses ("3", "true", "[1,2]", "\"x\""), else taken
// as a string ("eu-west-1"). The parent of PATH must exist; the last step may add an object member
// or append to an array (index == size, or "-" in a pointer).
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace spotsim {

struct Override {
  std::string path;  // as the user wrote it
  nlohmann::json value;
};

// Splits "PATH=VALUE" at the first '='; throws InputError (file "--set") if there is none.
Override parse_override(std::string_view argument);

// Sets the value; returns the JSON pointer it resolved to. Throws InputError naming the path and
// the first step that does not exist. A dotted step may itself contain dots when the object has
// such a key ("market.prices.onDemand.m5.large" finds the member "m5.large").
std::string apply_override(nlohmann::json& doc, const Override& o);

}  // namespace spotsim
