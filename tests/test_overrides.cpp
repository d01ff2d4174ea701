// `--set PATH=VALUE` (contract.md "Common options"; sweep axes use the same paths).
#include "tools/overrides.hpp"

#include <catch2/catch.hpp>

#include "tools/input_error.hpp"

using namespace spotsim;
using nlohmann::json;

namespace {
json doc() {
  return json::parse(R"({"a": {"b": [10, {"c": 1}], "m5.large": 0.1}, "name": "x"})");
}
std::string set(json& d, const std::string& argument) { return apply_override(d, parse_override(argument)); }
}  // namespace

TEST_CASE("a JSON pointer sets an existing or new member", "[set]") {
  json d = doc();
  CHECK(set(d, "/a/b/1/c=2") == "/a/b/1/c");
  CHECK(d["a"]["b"][1]["c"] == 2);
  set(d, "/a/new=true");
  CHECK(d["a"]["new"] == true);
  set(d, "/a/b/-=[1,2]");
  CHECK(d["a"]["b"][2] == json::array({1, 2}));
}

TEST_CASE("a dotted path reaches the same places, keys with dots included", "[set]") {
  json d = doc();
  CHECK(set(d, "a.b.0=11") == "/a/b/0");
  CHECK(d["a"]["b"][0] == 11);
  CHECK(set(d, "a.m5.large=0.2") == "/a/m5.large");
  CHECK(d["a"]["m5.large"] == 0.2);
}

TEST_CASE("a value that is not JSON is taken as a string", "[set]") {
  json d = doc();
  set(d, "name=eu-west-1");
  CHECK(d["name"] == "eu-west-1");
  set(d, "name=\"7\"");
  CHECK(d["name"] == "7");
  set(d, "name=7");
  CHECK(d["name"] == 7);
}

TEST_CASE("a path whose parent does not exist is an error naming it", "[set]") {
  json d = doc();
  CHECK_THROWS_WITH(set(d, "a.x.y=1"), Catch::Contains("/a/x does not exist"));
  CHECK_THROWS_WITH(set(d, "/a/b/5=1"), Catch::Contains("/a/b/5 does not exist"));
  CHECK_THROWS_WITH(set(d, "/name/x=1"), Catch::Contains("not an object or array"));
  CHECK_THROWS_AS(parse_override("no-equals-sign"), InputError);
}
