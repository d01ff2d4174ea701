// sim/chunked_vector.hpp: the append-only tables of records kept for a whole run (tasks,
// instances): indexed like a vector, grown a chunk at a time, so records never move.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "sim/chunked_vector.hpp"

namespace spotsim {

TEST_CASE("memory - a chunked vector indexes across chunks and keeps references as it grows", "[mem]") {
  ChunkedVector<std::string, 2> table;  // chunks of 4
  CHECK(table.empty());
  table.push_back("r0");
  const std::string* first = &table[0];
  for (int i = 1; i < 11; ++i) table.emplace_back("r" + std::to_string(i));
  CHECK(table.size() == 11);
  CHECK(first == &table[0]);  // a std::vector would have moved it by now
  CHECK(table.front() == "r0");
  CHECK(table.back() == "r10");
  CHECK(table[4] == "r4");  // the first of the second chunk
  CHECK(table[7] == "r7");
  int n = 0;
  for (const std::string& s : table) CHECK(s == "r" + std::to_string(n++));
  CHECK(n == 11);
  CHECK(std::count_if(table.begin(), table.end(), [](const std::string& s) { return s.size() == 3; }) == 1);
  CHECK(table.end() - table.begin() == 11);
  table[5] = "changed";
  const ChunkedVector<std::string, 2> copy = table;
  CHECK(copy.size() == 11);
  CHECK(copy[5] == "changed");
  CHECK(&copy[5] != &table[5]);
}

}  // namespace spotsim

namespace spotsim {

TEST_CASE("memory - a chunked table by dense id grows to a size with a fill value, never shrinks", "[mem]") {
  ChunkedVector<int, 2> table;  // chunks of 4
  table.grow_to(3, -1);
  CHECK(table.size() == 3);
  table[2] = 7;
  table.grow_to(10, -2);  // across two more chunks
  CHECK(table.size() == 10);
  CHECK(table[0] == -1);
  CHECK(table[2] == 7);
  CHECK(table[3] == -2);
  CHECK(table[9] == -2);
  table.grow_to(5, 0);  // already larger: unchanged
  CHECK(table.size() == 10);
  CHECK(table[4] == -2);
}

}  // namespace spotsim
