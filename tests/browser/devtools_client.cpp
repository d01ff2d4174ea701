#include "devtools_client.hpp"

#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "chromium_page.hpp"

namespace spotsim::browser {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// A full-page screenshot of a long report comes back as one base64 message of tens of MB.
constexpr std::uint64_t max_message_bytes = 512ull << 20;

}  // namespace

struct DevToolsClient::Connection {
  asio::io_context io;
  websocket::stream<tcp::socket> ws{io};
  bool broken = false;  // a deadline was missed: its handler may still be pending, never run io again

  // Runs one asynchronous operation until it completes or `deadline` passes. Past the deadline the
  // socket is closed, which ends the operation, and the session is over. Synchronous Beast calls
  // would have no deadline at all.
  template <typename Start>
  void await(tcp::socket& socket, Start&& start, Clock::time_point deadline, const std::string& what) {
    if (broken) throw BrowserError(what + ": the DevTools connection was closed by an earlier missed deadline");
    bool done = false;
    beast::error_code result;
    start([&done, &result](beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    io.restart();
    while (!done && Clock::now() < deadline) io.run_one_until(deadline);
    if (!done) {
      broken = true;
      beast::error_code ignored;
      socket.close(ignored);
      io.restart();
      io.run_for(std::chrono::seconds(1));  // lets the aborted operation finish while `done` lives
      throw BrowserError(what + ": Chromium did not answer in time");
    }
    if (result) throw BrowserError(what + ": " + result.message());
  }

  // The body of an HTTP GET on a connection of its own.
  std::string get(const tcp::endpoint& endpoint, const std::string& host, const std::string& target,
                  Clock::time_point deadline) {
    const std::string what = "GET http://" + host + target;
    tcp::socket socket(io);
    await(socket, [&](auto handler) { socket.async_connect(endpoint, handler); }, deadline, what);
    http::request<http::empty_body> request{http::verb::get, target, 11};
    request.set(http::field::host, host);
    request.set(http::field::connection, "close");
    await(socket, [&](auto handler) { http::async_write(socket, request, handler); }, deadline, what);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    await(socket, [&](auto handler) { http::async_read(socket, buffer, response, handler); }, deadline, what);
    return response.body();
  }
};

DevToolsClient::DevToolsClient(int port, std::chrono::milliseconds timeout)
    : connection_(std::make_unique<Connection>()) {
  Connection& c = *connection_;
  const auto deadline = Clock::now() + timeout;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  const std::string host = "127.0.0.1:" + std::to_string(port);

  // The page target's WebSocket URL, from the DevTools HTTP endpoint; asked again for a moment if
  // the browser has not listed its about:blank page yet.
  const std::string list_url = "http://" + host + "/json/list";
  std::string ws_path, listed;
  while (ws_path.empty()) {
    listed = c.get(endpoint, host, "/json/list", deadline);
    const auto targets = nlohmann::json::parse(listed, nullptr, false);
    for (const auto& target : targets.is_array() ? targets : nlohmann::json::array()) {
      if (target.value("type", "") != "page") continue;
      const std::string url = target.value("webSocketDebuggerUrl", "");
      const std::string prefix = "ws://" + host;
      if (url.starts_with(prefix)) ws_path = url.substr(prefix.size());
      break;
    }
    if (ws_path.empty() && Clock::now() >= deadline) throw BrowserError(list_url + " lists no page target: " + listed);
    if (ws_path.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  c.await(c.ws.next_layer(), [&](auto handler) { c.ws.next_layer().async_connect(endpoint, handler); },
          deadline, "connecting to the page target");
  c.ws.read_message_max(max_message_bytes);
  c.await(c.ws.next_layer(), [&](auto handler) { c.ws.async_handshake(host, ws_path, handler); }, deadline,
          "WebSocket handshake with " + host + ws_path);
  c.ws.text(true);
}

DevToolsClient::~DevToolsClient() = default;

nlohmann::json DevToolsClient::call(const std::string& method, const nlohmann::json& params,
                                    Clock::time_point deadline) {
  Connection& c = *connection_;
  const long id = next_id_++;
  const std::string text = nlohmann::json{{"id", id}, {"method", method}, {"params", params}}.dump();
  c.await(c.ws.next_layer(), [&](auto handler) { c.ws.async_write(asio::buffer(text), handler); }, deadline,
          "sending " + method);
  for (;;) {
    const nlohmann::json message = read_message(deadline, "the answer to " + method);
    if (!message.contains("id")) continue;  // an event: already handed on
    if (message["id"] != id) continue;      // the answer to an abandoned command
    if (message.contains("error")) throw BrowserError(method + " failed: " + message["error"].dump());
    return message.value("result", nlohmann::json::object());
  }
}

void DevToolsClient::wait_for_event(const std::string& method, Clock::time_point deadline) {
  for (;;) {
    const nlohmann::json message = read_message(deadline, method);
    if (message.value("method", "") == method) return;
  }
}

// One message; an event is handed to the handler before it is returned.
nlohmann::json DevToolsClient::read_message(Clock::time_point deadline, const std::string& waiting_for) {
  Connection& c = *connection_;
  beast::flat_buffer buffer;
  c.await(c.ws.next_layer(), [&](auto handler) { c.ws.async_read(buffer, handler); }, deadline,
          "waiting for " + waiting_for);
  nlohmann::json message = nlohmann::json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
  if (message.is_discarded()) throw BrowserError("DevTools sent a message that is not JSON");
  if (message.contains("method") && handler_) {
    handler_(message["method"].get<std::string>(), message.value("params", nlohmann::json::object()));
  }
  return message;
}

}  // namespace spotsim::browser
