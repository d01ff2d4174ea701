#include "models/placement.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <cctype>
#include <cstddef>
#include <limits>
#include <map>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace spotsim {

// ---------------------------------------------------------------------------------------------
// Cluster query language [DOC ECS cluster-query-language]: `subject operator [argument]`, combined
// with and/&&, or/||, not/! and parentheses. spotsim evaluates the `attribute:<name>` subject (the
// attributes placement.hpp lists); the other subjects (ec2InstanceId, runningTasksCount,
// agentConnected, agentVersion, registeredAt, task:group) and the ordering operators (>, >=, <, <=,
// which AWS documents only for those subjects) are rejected with a parse error, never ignored.
//
// Decisions where the doc is silent:
// - An instance without the attribute fails ==, in, =~ and exists, and so passes their negations
//   (!=, not_in, !~, !exists): each negative operator is exactly `not` of its positive one.
// - Keywords (and, or, not, in, exists, equals, ...) are matched without regard to case; values and
//   patterns are compared case-sensitively. Values may be quoted with ' or " (the doc's own
//   ec2InstanceId example quotes them); quotes have no escapes.
// - `not in` and `not exists` (two words) are accepted beside not_in, !in, not_exists and !exists.
// - `=~` / `!~` take a Java regular expression matched against the whole value (the doc:
//   "conforms to the Java regular expression syntax", i.e. java.util.regex.Pattern, and a pattern
//   matches only the whole string). So `t3.*` means "t3" then anything — it selects t3.small and
//   also t3a.small; write `t3\..*` for the t3 family alone. spotsim implements the part of the
//   syntax placement expressions use: literals, `.`, character classes `[a-z]`, `[^...]`, the
//   escapes \d \w \s (and their negations) and escaped punctuation, and the quantifiers *, +, ?
//   (lazy forms too, which cannot change whether a whole string matches). Groups, alternation,
//   {n,m}, possessive quantifiers and other escapes are a parse error naming the position. The
//   matcher simulates the automaton in O(|value| × |pattern|): no backtracking, so no input can
//   make it slow.
// Bounds for untrusted input: at most 2,000 characters (SCH-4's limit for memberOf expressions) and
// 32 levels of nested parentheses / not, so neither parsing nor evaluation can exhaust the stack;
// and/or chains are stored flat and do not count as nesting.
// ---------------------------------------------------------------------------------------------

namespace {

constexpr std::size_t kMaxExpressionLength = 2000;  // SCH-4
constexpr int kMaxNesting = 32;

enum class CompareOp : std::uint8_t { eq, ne, in, not_in, matches, not_matches, exists, not_exists };

// One element of a compiled pattern: a set of bytes it accepts and how often it may repeat.
struct PatternAtom {
  std::bitset<256> accepts;
  enum class Repeat : std::uint8_t { once, optional, any } repeat = Repeat::once;
};

bool pattern_matches(const std::vector<PatternAtom>& atoms, std::string_view value) {
  const std::size_t m = atoms.size();
  std::vector<char> states(m + 1, 0), next(m + 1, 0);
  // Epsilon moves only go forward (past an optional or starred atom), so one forward sweep closes.
  const auto close = [&](std::vector<char>& s) {
    for (std::size_t i = 0; i < m; ++i)
      if (s[i] && atoms[i].repeat != PatternAtom::Repeat::once) s[i + 1] = 1;
  };
  states[0] = 1;
  close(states);
  for (const char ch : value) {
    const auto byte = static_cast<unsigned char>(ch);
    std::fill(next.begin(), next.end(), 0);
    bool any = false;
    for (std::size_t i = 0; i < m; ++i) {
      if (!states[i] || !atoms[i].accepts.test(byte)) continue;
      next[atoms[i].repeat == PatternAtom::Repeat::any ? i : i + 1] = 1;
      any = true;
    }
    if (!any) return false;
    close(next);
    states.swap(next);
  }
  return states[m] != 0;
}

}  // namespace

struct ClusterQuery::Node {
  enum class Kind : std::uint8_t { all_of, any_of, negation, comparison };
  Kind kind = Kind::comparison;
  std::vector<std::shared_ptr<const Node>> children;  // all_of, any_of: 2+; negation: 1
  // comparison
  std::string attribute;  // without the "attribute:" prefix
  CompareOp op = CompareOp::exists;
  std::vector<std::string> values;   // ==, != : one; in, not_in: the list
  std::vector<PatternAtom> pattern;  // =~, !~

  bool evaluate(const Attributes& attributes) const {
    switch (kind) {
      case Kind::all_of:
        return std::all_of(children.begin(), children.end(),
                           [&](const auto& c) { return c->evaluate(attributes); });
      case Kind::any_of:
        return std::any_of(children.begin(), children.end(),
                           [&](const auto& c) { return c->evaluate(attributes); });
      case Kind::negation:
        return !children.front()->evaluate(attributes);
      case Kind::comparison:
        break;
    }
    const auto it = attributes.find(attribute);
    const std::string* value = it == attributes.end() ? nullptr : &it->second;
    const auto in_list = [&] {
      return value && std::find(values.begin(), values.end(), *value) != values.end();
    };
    const auto matches = [&] { return value && pattern_matches(pattern, *value); };
    switch (op) {
      case CompareOp::eq: return in_list();
      case CompareOp::ne: return !in_list();
      case CompareOp::in: return in_list();
      case CompareOp::not_in: return !in_list();
      case CompareOp::matches: return matches();
      case CompareOp::not_matches: return !matches();
      case CompareOp::exists: return value != nullptr;
      case CompareOp::not_exists: return value == nullptr;
    }
    return false;
  }
};

namespace {

using NodePtr = std::shared_ptr<const ClusterQuery::Node>;
using Node = ClusterQuery::Node;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.' ||
         c == ':' || c == '/' || c == '\\' || c == '@';
}
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  std::optional<NodePtr> parse(std::string* error) {
    auto root = parse_or(0);
    if (root) {
      skip_space();
      if (pos_ < s_.size()) {
        fail(pos_, std::string("unexpected '") + s_[pos_] + "'");
        root = nullptr;
      }
    }
    if (!root) {
      if (error) *error = error_;
      return std::nullopt;
    }
    return root;
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  std::string error_;
  bool failed_ = false;

  // Positions in messages are 1-based character columns.
  std::nullptr_t fail(std::size_t at, const std::string& message) {
    if (!failed_) {
      failed_ = true;
      error_ = "position " + std::to_string(at + 1) + ": " + message;
    }
    return nullptr;
  }

  void skip_space() {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
  }

  bool at_end() {
    skip_space();
    return pos_ >= s_.size();
  }

  // A symbol such as "&&" or "(" at the current position.
  bool accept_symbol(std::string_view sym) {
    skip_space();
    if (s_.substr(pos_, sym.size()) != sym) return false;
    pos_ += sym.size();
    return true;
  }

  // A keyword, any case, not followed by a character that would continue a word.
  bool accept_keyword(std::string_view kw) {
    skip_space();
    if (s_.size() - pos_ < kw.size()) return false;
    for (std::size_t i = 0; i < kw.size(); ++i)
      if (lower(s_[pos_ + i]) != kw[i]) return false;
    const std::size_t end = pos_ + kw.size();
    if (end < s_.size() && is_word_char(s_[end])) return false;
    pos_ = end;
    return true;
  }

  NodePtr combine(Node::Kind kind, std::vector<NodePtr> children) {
    if (children.size() == 1) return children.front();
    auto node = std::make_shared<Node>();
    node->kind = kind;
    node->children = std::move(children);
    return node;
  }

  NodePtr parse_or(int depth) {
    std::vector<NodePtr> terms;
    do {
      auto term = parse_and(depth);
      if (!term) return nullptr;
      terms.push_back(std::move(term));
    } while (accept_symbol("||") || accept_keyword("or"));
    return combine(Node::Kind::any_of, std::move(terms));
  }

  NodePtr parse_and(int depth) {
    std::vector<NodePtr> factors;
    do {
      auto factor = parse_unary(depth);
      if (!factor) return nullptr;
      factors.push_back(std::move(factor));
    } while (accept_symbol("&&") || accept_keyword("and"));
    return combine(Node::Kind::all_of, std::move(factors));
  }

  NodePtr parse_unary(int depth) {
    skip_space();
    const std::size_t start = pos_;
    if (depth >= kMaxNesting)
      return fail(start, "nested more than " + std::to_string(kMaxNesting) + " levels deep");
    if (at_end()) return fail(pos_, "expected an expression");
    if (accept_symbol("!") || accept_keyword("not")) {
      auto operand = parse_unary(depth + 1);
      if (!operand) return nullptr;
      auto node = std::make_shared<Node>();
      node->kind = Node::Kind::negation;
      node->children.push_back(std::move(operand));
      return node;
    }
    if (accept_symbol("(")) {
      auto inner = parse_or(depth + 1);
      if (!inner) return nullptr;
      if (!accept_symbol(")")) return fail(pos_, "expected ')' to close the '(' at position " +
                                                     std::to_string(start + 1));
      return inner;
    }
    return parse_comparison();
  }

  // The subject: a run of word characters.
  std::string_view read_word() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < s_.size() && is_word_char(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  NodePtr parse_comparison() {
    skip_space();
    const std::size_t subject_at = pos_;
    const std::string_view subject = read_word();
    if (subject.empty())
      return fail(subject_at, "expected a subject such as attribute:ecs.instance-type");
    constexpr std::string_view kAttribute = "attribute:";
    auto node = std::make_shared<Node>();
    if (subject.substr(0, kAttribute.size()) == kAttribute) {
      node->attribute = std::string(subject.substr(kAttribute.size()));
      if (node->attribute.empty()) return fail(subject_at, "attribute: needs a name");
    } else {
      static constexpr std::array<std::string_view, 6> kUnsupported{
          "ec2InstanceId", "runningTasksCount", "agentConnected", "agentVersion", "registeredAt",
          "task:group"};
      const bool known = std::find(kUnsupported.begin(), kUnsupported.end(), subject) != kUnsupported.end();
      return fail(subject_at, (known ? "subject '" + std::string(subject) + "' is not supported"
                                     : "unknown subject '" + std::string(subject) + "'") +
                                  "; spotsim evaluates attribute:<name>");
    }
    if (!parse_operator(*node)) return nullptr;
    switch (node->op) {
      case CompareOp::exists:
      case CompareOp::not_exists:
        return node;
      case CompareOp::eq:
      case CompareOp::ne: {
        auto value = parse_value(false);
        if (!value) return nullptr;
        node->values.push_back(std::move(value->first));
        return node;
      }
      case CompareOp::in:
      case CompareOp::not_in:
        if (!parse_list(*node)) return nullptr;
        return node;
      case CompareOp::matches:
      case CompareOp::not_matches: {
        auto value = parse_value(true);
        if (!value) return nullptr;
        if (!compile_pattern(value->first, value->second, node->pattern)) return nullptr;
        return node;
      }
    }
    return node;
  }

  bool parse_operator(Node& node) {
    skip_space();
    const std::size_t at = pos_;
    struct Spelling {
      std::string_view text;
      CompareOp op;
      bool symbol;  // a symbol needs no word boundary after it; a keyword does
    };
    // Keywords must end at a word boundary, so no spelling can match the start of a longer one.
    static constexpr std::array<Spelling, 14> kSpellings{{
        {"==", CompareOp::eq, true},
        {"!=", CompareOp::ne, true},
        {"=~", CompareOp::matches, true},
        {"!~", CompareOp::not_matches, true},
        {"!exists", CompareOp::not_exists, false},
        {"!in", CompareOp::not_in, false},
        {"equals", CompareOp::eq, false},
        {"not_equals", CompareOp::ne, false},
        {"matches", CompareOp::matches, false},
        {"not_matches", CompareOp::not_matches, false},
        {"exists", CompareOp::exists, false},
        {"not_exists", CompareOp::not_exists, false},
        {"in", CompareOp::in, false},
        {"not_in", CompareOp::not_in, false},
    }};
    for (const auto& sp : kSpellings) {
      if (sp.symbol ? accept_symbol(sp.text) : accept_keyword(sp.text)) {
        node.op = sp.op;
        return true;
      }
    }
    if (accept_keyword("not")) {  // the two-word forms "not in" and "not exists"
      if (accept_keyword("in")) {
        node.op = CompareOp::not_in;
        return true;
      }
      if (accept_keyword("exists")) {
        node.op = CompareOp::not_exists;
        return true;
      }
      fail(pos_, "expected 'in' or 'exists' after 'not'");
      return false;
    }
    for (const std::string_view ordering : {">", "<", "greater_than", "less_than"}) {
      if (s_.substr(at, ordering.size()) == ordering) {
        fail(at, "ordering operators (>, >=, <, <=) apply only to subjects spotsim does not support");
        return false;
      }
    }
    fail(at, "expected an operator (==, !=, =~, !~, in, not_in, exists, !exists)");
    return false;
  }

  // A value: quoted, or a bare run up to white space, "&&", "||" or one of ( ) [ ] , — patterns may
  // contain brackets (character classes), so they run up to white space, "&&", "||" or ')'.
  std::optional<std::pair<std::string, std::size_t>> parse_value(bool pattern) {
    skip_space();
    const std::size_t at = pos_;
    if (pos_ < s_.size() && (s_[pos_] == '\'' || s_[pos_] == '"')) {
      const char quote = s_[pos_];
      const std::size_t close = s_.find(quote, pos_ + 1);
      if (close == std::string_view::npos) {
        fail(at, "unterminated quoted value");
        return std::nullopt;
      }
      pos_ = close + 1;
      return std::make_pair(std::string(s_.substr(at + 1, close - at - 1)), at + 1);
    }
    const std::string_view stops = pattern ? ")" : "()[],";
    const auto ends_value = [&](std::size_t i) {
      if (is_space(s_[i]) || stops.find(s_[i]) != std::string_view::npos) return true;
      const std::string_view two = s_.substr(i, 2);
      return two == "&&" || two == "||";
    };
    while (pos_ < s_.size() && !ends_value(pos_)) ++pos_;
    if (pos_ == at) {
      fail(at, "expected a value");
      return std::nullopt;
    }
    return std::make_pair(std::string(s_.substr(at, pos_ - at)), at);
  }

  bool parse_list(Node& node) {
    if (!accept_symbol("[")) {
      fail(pos_, "expected '[' to start the argument list");
      return false;
    }
    do {
      auto value = parse_value(false);
      if (!value) return false;
      node.values.push_back(std::move(value->first));
    } while (accept_symbol(","));
    if (!accept_symbol("]")) {
      fail(pos_, "expected ',' or ']' in the argument list");
      return false;
    }
    return true;
  }

  // Compiles the supported subset of java.util.regex.Pattern (see the top of this file). `at` is the
  // pattern's position in the expression, for messages.
  bool compile_pattern(const std::string& p, std::size_t at, std::vector<PatternAtom>& atoms) {
    const auto error = [&](std::size_t i, const std::string& message) {
      fail(at + i, message);
      return false;
    };
    const auto class_escape = [](char c, std::bitset<256>& set) {
      const auto add_if = [&](auto pred, bool negate) {
        for (int b = 0; b < 256; ++b) {
          const bool in = pred(static_cast<unsigned char>(b));
          if (in != negate) set.set(static_cast<std::size_t>(b));
        }
      };
      const auto digit = [](unsigned char b) { return b >= '0' && b <= '9'; };
      const auto word = [](unsigned char b) { return std::isalnum(b) != 0 || b == '_'; };
      const auto space = [](unsigned char b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v';
      };
      switch (c) {
        case 'd': add_if(digit, false); return true;
        case 'D': add_if(digit, true); return true;
        case 'w': add_if(word, false); return true;
        case 'W': add_if(word, true); return true;
        case 's': add_if(space, false); return true;
        case 'S': add_if(space, true); return true;
        default: return false;
      }
    };
    std::size_t i = 0;
    if (!p.empty() && p[0] == '^') i = 1;  // Pattern.matches is anchored anyway
    while (i < p.size()) {
      const char c = p[i];
      PatternAtom atom;
      if (c == '$' && i + 1 == p.size()) break;
      if (c == '*' || c == '+' || c == '?') return error(i, std::string("dangling '") + c + "'");
      if (c == '(' || c == ')' || c == '|')
        return error(i, "groups and alternation are not supported in =~ patterns");
      if (c == '{' || c == '}') return error(i, "{n,m} repetition is not supported in =~ patterns");
      if (c == '^' || c == '$') return error(i, std::string("'") + c + "' only anchors the whole pattern");
      if (c == '.') {
        atom.accepts.set();
        atom.accepts.reset('\n');
        atom.accepts.reset('\r');
        ++i;
      } else if (c == '\\') {
        if (i + 1 >= p.size()) return error(i, "pattern ends with '\\'");
        const char e = p[i + 1];
        if (!class_escape(e, atom.accepts)) {
          if (std::isalnum(static_cast<unsigned char>(e)) != 0)
            return error(i, std::string("escape '\\") + e + "' is not supported in =~ patterns");
          atom.accepts.set(static_cast<unsigned char>(e));
        }
        i += 2;
      } else if (c == '[') {
        std::size_t j = i + 1;
        bool negate = false;
        if (j < p.size() && p[j] == '^') {
          negate = true;
          ++j;
        }
        std::bitset<256> set;
        bool closed = false, any_item = false;
        while (j < p.size()) {
          char a = p[j];
          if (a == ']') {
            closed = true;
            ++j;
            break;
          }
          if (a == '[' || (a == '&' && j + 1 < p.size() && p[j + 1] == '&'))
            return error(j, "nested classes and intersections are not supported in =~ patterns");
          if (a == '\\') {
            if (j + 1 >= p.size()) return error(j, "pattern ends with '\\'");
            const char e = p[j + 1];
            j += 2;
            any_item = true;
            if (class_escape(e, set)) continue;
            if (std::isalnum(static_cast<unsigned char>(e)) != 0)
              return error(j - 2, std::string("escape '\\") + e + "' is not supported in =~ patterns");
            a = e;
          } else {
            ++j;
          }
          any_item = true;
          if (j + 1 < p.size() && p[j] == '-' && p[j + 1] != ']') {
            const char b = p[j + 1];
            if (b == '\\' || b == '[') return error(j + 1, "unsupported range end in character class");
            if (static_cast<unsigned char>(b) < static_cast<unsigned char>(a))
              return error(j, "character range out of order");
            for (int x = static_cast<unsigned char>(a); x <= static_cast<unsigned char>(b); ++x)
              set.set(static_cast<std::size_t>(x));
            j += 2;
          } else {
            set.set(static_cast<unsigned char>(a));
          }
        }
        if (!closed) return error(i, "unclosed character class");
        if (!any_item) return error(i, "empty character class");
        atom.accepts = negate ? ~set : set;
        i = j;
      } else {
        atom.accepts.set(static_cast<unsigned char>(c));
        ++i;
      }
      // Quantifier, with an optional lazy '?' (possessive '+' could change the outcome: rejected).
      if (i < p.size() && (p[i] == '*' || p[i] == '+' || p[i] == '?')) {
        const char q = p[i++];
        if (i < p.size() && p[i] == '+') return error(i, "possessive quantifiers are not supported");
        if (i < p.size() && p[i] == '?') ++i;
        if (i < p.size() && (p[i] == '*' || p[i] == '+' || p[i] == '?'))
          return error(i, std::string("dangling '") + p[i] + "'");
        if (q == '+') {  // a+ = a a*
          atoms.push_back(atom);
          atom.repeat = PatternAtom::Repeat::any;
        } else {
          atom.repeat = q == '*' ? PatternAtom::Repeat::any : PatternAtom::Repeat::optional;
        }
      }
      atoms.push_back(atom);
    }
    return true;
  }
};

}  // namespace

std::optional<ClusterQuery> ClusterQuery::parse(const std::string& expression, std::string* error) {
  if (expression.size() > kMaxExpressionLength) {
    if (error)
      *error = "expression is " + std::to_string(expression.size()) + " characters; memberOf allows at most " +
               std::to_string(kMaxExpressionLength) + " (SCH-4)";
    return std::nullopt;
  }
  Parser parser(expression);
  auto root = parser.parse(error);
  if (!root) return std::nullopt;
  ClusterQuery query;
  query.root_ = std::move(*root);
  return query;
}

bool ClusterQuery::matches(const Attributes& attributes) const {
  return root_ && root_->evaluate(attributes);
}

// ---------------------------------------------------------------------------------------------
// Placement
// ---------------------------------------------------------------------------------------------

const char* to_string(PlacementFailure f) {
  switch (f) {
    case PlacementFailure::none: return "none";
    case PlacementFailure::cpu: return "cpu";
    case PlacementFailure::memory: return "memory";
    case PlacementFailure::ports: return "ports";
    case PlacementFailure::constraint: return "constraint";
    case PlacementFailure::no_instances: return "no_instances";
  }
  return "unknown";
}

namespace {

using Pool = std::vector<const PlacementCandidate*>;

template <typename Pred>
void keep_if(Pool& pool, Pred pred) {
  pool.erase(std::remove_if(pool.begin(), pool.end(), [&](const PlacementCandidate* c) { return !pred(*c); }),
             pool.end());
}

// Keeps the candidates with the smallest score; the rest of the tie goes to the next strategy.
template <typename Score>
void keep_lowest(Pool& pool, Score score) {
  if (pool.size() < 2) return;
  long long best = std::numeric_limits<long long>::max();
  for (const auto* c : pool) best = std::min(best, score(*c));
  keep_if(pool, [&](const PlacementCandidate& c) { return score(c) == best; });
}

bool ports_free(const PlacementCandidate& c, const std::vector<int>& wanted) {
  if (c.used_ports == nullptr) return true;
  for (const int port : wanted)
    if (std::find(c.used_ports->begin(), c.used_ports->end(), port) != c.used_ports->end()) return false;
  return true;
}

const Attributes& attributes_of(const PlacementCandidate& c) {
  static const Attributes kNone;
  return c.attributes != nullptr ? *c.attributes : kNone;
}

// The attribute a spread field names: "attribute:ecs.availability-zone" → "ecs.availability-zone".
std::string spread_attribute(const std::string& field) {
  constexpr std::string_view kPrefix = "attribute:";
  if (std::string_view(field).substr(0, kPrefix.size()) == kPrefix) return field.substr(kPrefix.size());
  return field;
}

bool every_zone_given(const std::vector<PlacementCandidate>& candidates) {
  return std::all_of(candidates.begin(), candidates.end(), [](const PlacementCandidate& c) { return c.zone >= 0; });
}

const std::string& attribute_or_empty(const PlacementCandidate& c, const std::string& name) {
  static const std::string kEmpty;
  if (c.attributes == nullptr) return kEmpty;
  const auto it = c.attributes->find(name);
  return it == c.attributes->end() ? kEmpty : it->second;
}

}  // namespace

PlacementResult place_task(const std::vector<PlacementCandidate>& candidates, const TaskRequirements& task,
                           const std::vector<PlacementStrategy>& strategies,
                           const std::vector<PlacementConstraint>& constraints, RandomStream& rng) {
  // SCH-1 step 1: resources, each filter in turn so the failure names the first that left nothing.
  // DRAINING instances are never candidates (AG-5); with none active the cluster has no instances.
  Pool pool;
  for (const auto& c : candidates)
    if (c.active) pool.push_back(&c);
  if (pool.empty()) return {std::nullopt, PlacementFailure::no_instances};
  keep_if(pool, [&](const PlacementCandidate& c) { return c.remaining_cpu >= task.cpu; });
  if (pool.empty()) return {std::nullopt, PlacementFailure::cpu};
  keep_if(pool, [&](const PlacementCandidate& c) { return c.remaining_memory_mib >= task.memory_mib; });
  if (pool.empty()) return {std::nullopt, PlacementFailure::memory};
  keep_if(pool, [&](const PlacementCandidate& c) { return ports_free(c, task.static_ports); });
  if (pool.empty()) return {std::nullopt, PlacementFailure::ports};

  // SCH-1 step 2, SCH-4: constraints are binding. A memberOf expression that does not parse (the
  // caller should have rejected it) admits no instance rather than every instance.
  for (const auto& constraint : constraints) {
    switch (constraint.type) {
      case PlacementConstraintType::distinct_instance:
        keep_if(pool, [](const PlacementCandidate& c) { return c.tasks_of_group == 0; });
        break;
      case PlacementConstraintType::member_of: {
        const auto query = ClusterQuery::parse(constraint.expression, nullptr);
        keep_if(pool, [&](const PlacementCandidate& c) { return query && query->matches(attributes_of(c)); });
        break;
      }
    }
  }
  if (pool.empty()) return {std::nullopt, PlacementFailure::constraint};

  // SCH-1 step 3, SCH-2: strategies in list order, each narrowing to its best candidates. No
  // strategy at all leaves a uniform choice among those that fit (a service's default spread over
  // AZs, SCH-3, is the caller's to supply).
  for (const auto& strategy : strategies) {
    switch (strategy.type) {
      case PlacementStrategyType::binpack:
        // "least amount of remaining [resource]": remaining after placing orders the same way.
        if (strategy.field == "cpu")
          keep_lowest(pool, [](const PlacementCandidate& c) { return static_cast<long long>(c.remaining_cpu); });
        else if (strategy.field == "memory")
          keep_lowest(pool, [](const PlacementCandidate& c) { return static_cast<long long>(c.remaining_memory_mib); });
        break;
      case PlacementStrategyType::spread: {
        if (strategy.field == "instanceId" || strategy.field == "host") {
          keep_lowest(pool, [](const PlacementCandidate& c) { return static_cast<long long>(c.tasks_of_group); });
          break;
        }
        // Spread balances where the group's tasks are (SCH-2, SCH-5): count them per value over
        // every candidate given — DRAINING and full instances too — then prefer the least-loaded
        // values the fitting candidates offer. An instance without the attribute counts under "".
        const std::string name = spread_attribute(strategy.field);
        if (name == "ecs.availability-zone" && every_zone_given(candidates)) {
          std::vector<long long> tasks_per_zone;
          for (const auto& c : candidates) {
            if (tasks_per_zone.size() <= static_cast<std::size_t>(c.zone)) tasks_per_zone.resize(c.zone + 1, 0);
            tasks_per_zone[c.zone] += c.tasks_of_group;
          }
          keep_lowest(pool, [&](const PlacementCandidate& c) { return tasks_per_zone[c.zone]; });
          break;
        }
        // Counted by the value's text (string_view into the caller's attributes, no copies): at
        // 2,000 candidates a map of copied strings per placement dominated a year's run.
        std::unordered_map<std::string_view, long long> tasks_per_value;
        for (const auto& c : candidates) tasks_per_value[attribute_or_empty(c, name)] += c.tasks_of_group;
        keep_lowest(pool, [&](const PlacementCandidate& c) { return tasks_per_value[attribute_or_empty(c, name)]; });
        break;
      }
      case PlacementStrategyType::random:
        break;
    }
  }

  // SCH-1 step 4: a uniform choice among what is left, in the caller's order; one draw per placed
  // task (none when placement fails).
  const auto pick = rng.below(static_cast<std::uint32_t>(pool.size()));
  return {pool[pick]->id, PlacementFailure::none};
}

}  // namespace spotsim
