#include "chromium_page.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <thread>

#include "chromium_process.hpp"
#include "devtools_client.hpp"

namespace spotsim::browser {
namespace {

using nlohmann::json;
using Clock = DevToolsClient::Clock;

std::string file_url(const std::filesystem::path& absolute) {
  static const char* hex = "0123456789ABCDEF";
  std::string url = "file://";
  for (const unsigned char ch : absolute.string()) {
    if (std::isalnum(ch) || ch == '/' || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      url += static_cast<char>(ch);
    } else {
      url += '%';
      url += hex[ch >> 4];
      url += hex[ch & 15];
    }
  }
  return url;
}

std::string base64_decode(const std::string& text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  unsigned bits = 0;
  int count = 0;
  for (const char ch : text) {
    int value = -1;
    if (ch >= 'A' && ch <= 'Z') value = ch - 'A';
    else if (ch >= 'a' && ch <= 'z') value = ch - 'a' + 26;
    else if (ch >= '0' && ch <= '9') value = ch - '0' + 52;
    else if (ch == '+') value = 62;
    else if (ch == '/') value = 63;
    if (value < 0) continue;  // '=' padding
    bits = (bits << 6) | static_cast<unsigned>(value);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

// A console call's arguments as the console would print them.
std::string console_text(const json& args) {
  std::string text;
  for (const auto& arg : args) {
    if (!text.empty()) text += ' ';
    if (arg.contains("value")) text += arg["value"].is_string() ? arg["value"].get<std::string>() : arg["value"].dump();
    else if (arg.contains("description")) text += arg["description"].get<std::string>();
    else if (arg.contains("unserializableValue")) text += arg["unserializableValue"].get<std::string>();
    else text += arg.value("type", "?");
  }
  return text;
}

std::string exception_text(const json& details) {
  std::string text = details.value("text", "exception");
  const json exception = details.value("exception", json::object());
  // Piecewise: GCC 12 warns (-Wrestrict, wrongly) on `const char* + std::string`.
  text += ' ';
  if (exception.contains("description")) text += exception["description"].get<std::string>();
  else if (exception.contains("value")) text += exception["value"].dump();
  text += " (";
  text += details.value("url", "");
  text += ':';
  text += std::to_string(details.value("lineNumber", -1) + 1);
  text += ')';
  return text;
}

struct Request {
  std::string id;
  std::string url;
};

// Everything the page does that the report needs, gathered from the DevTools events.
struct Collector {
  std::vector<Request> requests;
  PageReport* report;

  void operator()(const std::string& method, const json& params);
};

void Collector::operator()(const std::string& method, const json& params) {
  if (method == "Network.requestWillBeSent") {
    requests.push_back(
        {params.value("requestId", ""), params.value("request", json::object()).value("url", "")});
  } else if (method == "Runtime.consoleAPICalled") {
    const std::string type = params.value("type", "");
    if (type == "error" || type == "assert" || type == "warning") {
      report->console_messages.push_back(type + ": " + console_text(params.value("args", json::array())));
    }
  } else if (method == "Runtime.exceptionThrown") {
    report->exceptions.push_back(exception_text(params.value("exceptionDetails", json::object())));
  } else if (method == "Log.entryAdded") {
    const json entry = params.value("entry", json::object());
    if (entry.value("level", "") == "error") {
      std::string text = entry.value("source", "") + ": " + entry.value("text", "");
      if (!entry.value("url", "").empty()) text += " (" + entry.value("url", "") + ")";
      report->log_errors.push_back(text);
    }
  }
}

// The value of a JavaScript expression (returned by value), or the exception it threw.
json evaluate(DevToolsClient& devtools, const std::string& expression, Clock::time_point deadline,
              std::string* thrown = nullptr) {
  const json result =
      devtools.call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}}, deadline);
  if (result.contains("exceptionDetails")) {
    if (thrown) *thrown = exception_text(result["exceptionDetails"]);
    return nullptr;
  }
  return result.value("result", json::object()).value("value", json());
}

void take_screenshot(DevToolsClient& devtools, const LoadOptions& options, Clock::time_point deadline) {
  const json metrics = devtools.call("Page.getLayoutMetrics", json::object(), deadline);
  const json size = metrics.contains("cssContentSize") ? metrics["cssContentSize"] : metrics["contentSize"];
  // The whole page in one image, capped at 16384 px high (the largest surface Chromium paints).
  const int width = std::max(options.window_width, static_cast<int>(std::ceil(size.value("width", 0.0))));
  const int height = std::clamp(static_cast<int>(std::ceil(size.value("height", 0.0))), options.window_height, 16384);
  devtools.call("Emulation.setDeviceMetricsOverride",
                {{"width", width}, {"height", height}, {"deviceScaleFactor", 1}, {"mobile", false}}, deadline);
  const json shot = devtools.call("Page.captureScreenshot", {{"format", "png"}}, deadline);
  std::filesystem::create_directories(options.screenshot.parent_path());
  std::ofstream(options.screenshot, std::ios::binary) << base64_decode(shot.value("data", ""));
}

}  // namespace

PageReport load_page(const std::filesystem::path& html, const LoadOptions& options) {
  const std::filesystem::path absolute = std::filesystem::absolute(html);
  if (!std::filesystem::is_regular_file(absolute)) throw BrowserError("no such page: " + absolute.string());
  PageReport report;
  report.url = file_url(absolute);
  auto budget = [](std::chrono::milliseconds ms) { return Clock::now() + ms; };

  ChromiumProcess chromium(options.chromium, options.window_width, options.window_height, options.launch_timeout);
  try {
    DevToolsClient devtools(chromium.devtools_port(), options.command_timeout);
    Collector collector{{}, &report};
    devtools.on_event(std::ref(collector));
    for (const char* domain : {"Page.enable", "Network.enable", "Runtime.enable", "Log.enable"}) {
      devtools.call(domain, json::object(), budget(options.command_timeout));
    }
    // Requests are listed (Network.requestWillBeSent fires first) but never sent: a report under
    // test reaches nothing, whatever it links to. file: stays open so a page can be opened at all.
    devtools.call("Network.setBlockedURLs",
                  {{"urls", {"http://*", "https://*", "ws://*", "wss://*", "ftp://*"}}},
                  budget(options.command_timeout));

    const auto load_deadline = budget(options.load_timeout);
    const json navigation = devtools.call("Page.navigate", {{"url", report.url}}, load_deadline);
    if (navigation.contains("errorText")) {
      throw BrowserError("cannot open " + report.url + ": " + navigation["errorText"].get<std::string>());
    }
    try {
      devtools.wait_for_event("Page.loadEventFired", load_deadline);
    } catch (const BrowserError& e) {
      throw BrowserError(report.url + " fired no load event within " + std::to_string(options.load_timeout.count()) +
                         " ms (" + e.what() + ")");
    }

    const auto ready_deadline = budget(options.ready_timeout);
    for (;;) {
      const json ready = evaluate(devtools, "!!(window.spotsimReport && window.spotsimReport.ready === true)",
                                  budget(options.command_timeout));
      report.ready = ready == true;
      if (report.ready || Clock::now() >= ready_deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }

    std::string thrown;
    const json state = evaluate(devtools, "JSON.stringify(window.spotsimReport === undefined ? null : window.spotsimReport)",
                                budget(options.command_timeout), &thrown);
    if (!thrown.empty()) report.exceptions.push_back("window.spotsimReport cannot be read as JSON: " + thrown);
    if (state.is_string()) report.spotsim_report = json::parse(state.get<std::string>(), nullptr, false);
    // loadEventEnd is set once the load handlers have returned: at most a moment after the event.
    const auto timing_deadline = budget(options.command_timeout);
    do {
      const json end = evaluate(devtools, "performance.getEntriesByType('navigation')[0].loadEventEnd", timing_deadline);
      report.load_ms = end.is_number() ? end.get<double>() : 0;
    } while (report.load_ms <= 0 && Clock::now() < timing_deadline);

    if (!options.screenshot.empty()) {
      take_screenshot(devtools, options, budget(options.command_timeout));
      report.screenshot = options.screenshot;
    }
    for (const Request& request : collector.requests) {
      // The page's own document request carries the navigation's loaderId as its requestId.
      if (request.id == navigation.value("loaderId", "")) continue;
      if (request.url.starts_with("data:") || request.url.starts_with("blob:")) continue;
      report.network_requests.push_back(request.url);
    }
  } catch (const BrowserError& e) {
    throw BrowserError(std::string(e.what()) + "\nChromium's log ends with:\n" + chromium.log_tail());
  }
  return report;
}

std::vector<std::string> report_page_problems(const PageReport& report,
                                              const std::vector<std::string>& expected_chart_ids) {
  std::vector<std::string> problems;
  if (!report.ready) problems.push_back("window.spotsimReport.ready never became true");
  for (const auto& url : report.network_requests) problems.push_back("network request: " + url);
  for (const auto& message : report.console_messages) problems.push_back("console " + message);
  for (const auto& exception : report.exceptions) problems.push_back("exception: " + exception);
  for (const auto& entry : report.log_errors) problems.push_back("browser log error: " + entry);
  const json& state = report.spotsim_report;
  if (state.is_object() && state.contains("errors") && state["errors"].is_array()) {
    for (const auto& error : state["errors"]) {
      problems.push_back("error caught by the page: " + (error.is_string() ? error.get<std::string>() : error.dump()));
    }
  } else if (report.ready) {
    problems.push_back("window.spotsimReport.errors is not an array");
  }
  const json charts = state.is_object() ? state.value("charts", json::array()) : json::array();
  for (const auto& id : expected_chart_ids) {
    const auto chart = std::find_if(charts.begin(), charts.end(),
                                    [&](const json& c) { return c.is_object() && c.value("id", "") == id; });
    if (chart == charts.end()) {
      problems.push_back("chart " + id + " is missing from window.spotsimReport.charts");
    } else if (chart->value("drawn", false) != true) {
      problems.push_back("chart " + id + " was not drawn");
    } else if (!(chart->contains("points") && chart->at("points").is_number() && chart->at("points").get<double>() > 0)) {
      problems.push_back("chart " + id + " plotted no points");
    }
  }
  return problems;
}

}  // namespace spotsim::browser
