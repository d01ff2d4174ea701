#pragma once
// The one error type for bad input: every problem names the file, the place (a line, "line 12", or
// a JSON pointer, "/AutoScalingGroups/0/MinSize"), what was expected and what was found. Loaders
// collect every problem they can (validate reports them all) and throw one InputError carrying the
// list; the CLI catches it once, prints it and exits 2.
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace spotsim {

struct Diagnostic {
  enum class Severity { error, warning };
  Severity severity = Severity::error;
  std::string file;   // as the user named it
  std::string where;  // "line 12", "line 3, column 7", or a JSON pointer; may be empty
  std::string message;

  // "file: where: error: message"
  std::string str() const {
    std::string s = file;
    if (!where.empty()) s += (s.empty() ? "" : ": ") + where;
    s += s.empty() ? "" : ": ";
    s += severity == Severity::error ? "error: " : "warning: ";
    return s + message;
  }
};

class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics)
      : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}
  InputError(std::string file, std::string where, std::string message)
      : InputError(std::vector<Diagnostic>{
            Diagnostic{Diagnostic::Severity::error, std::move(file), std::move(where), std::move(message)}}) {}

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  static std::string join(const std::vector<Diagnostic>& ds) {
    std::string s;
    // Appended piecewise: GCC 12 warns (-Wrestrict, a false positive) on `const char* + string`.
    for (const auto& d : ds) {
      if (!s.empty()) s += '\n';
      s += d.str();
    }
    return s;
  }
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace spotsim
