#pragma once
// A Chrome DevTools Protocol session with one page target, over a WebSocket (Boost.Beast), where
// every exchange has a deadline: a browser that stops answering throws BrowserError, never hangs
// (and the connection is closed then: a missed deadline ends the session).
// https://chromedevtools.github.io/devtools-protocol/ — commands are {id, method, params}, answers
// {id, result | error}, and events {method, params} arrive in between, in the browser's order.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace spotsim::browser {

class DevToolsClient {
 public:
  using Clock = std::chrono::steady_clock;
  using EventHandler = std::function<void(const std::string& method, const nlohmann::json& params)>;

  // Finds the first target of type "page" in http://127.0.0.1:PORT/json/list and connects to it.
  DevToolsClient(int port, std::chrono::milliseconds timeout);
  ~DevToolsClient();
  DevToolsClient(const DevToolsClient&) = delete;
  DevToolsClient& operator=(const DevToolsClient&) = delete;

  // Every event read from now on goes to `handler` (events read before it is set are dropped).
  void on_event(EventHandler handler) { handler_ = std::move(handler); }

  // Sends a command and returns its `result`; events read meanwhile go to the handler. Throws
  // BrowserError when the browser answers with an error or not by `deadline`.
  nlohmann::json call(const std::string& method, const nlohmann::json& params, Clock::time_point deadline);

  // Reads events until `method` arrives; throws BrowserError when `deadline` passes first.
  void wait_for_event(const std::string& method, Clock::time_point deadline);

 private:
  struct Connection;
  nlohmann::json read_message(Clock::time_point deadline, const std::string& waiting_for);

  std::unique_ptr<Connection> connection_;
  EventHandler handler_;
  long next_id_ = 1;
};

}  // namespace spotsim::browser
