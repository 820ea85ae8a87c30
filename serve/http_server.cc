#include "serve/http_server.h"

#include <sys/socket.h>

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/utf8.h"
#include "io/text_input.h"
#include "serve/routes.h"

namespace tandem {
namespace serve {

void ApiKeys::load(const std::string& path) {
  std::ifstream in(path);
  TANDEM_CHECK(in) << "--api-keys " << path << ": cannot open";
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream fields(line);
    std::string key;
    int per_minute = 0;
    if (!(fields >> key) || key[0] == '#') continue;
    if (!(fields >> per_minute)) per_minute = 0;
    TANDEM_CHECK(per_minute >= 0) << path << ":" << number << ": requests per minute must be >= 0";
    rate_[key] = per_minute;
  }
  TANDEM_CHECK(!rate_.empty()) << "--api-keys " << path << ": no key in the file";
}

void ApiKeys::check(const std::string& key) {
  if (!enabled()) return;
  const auto it = rate_.find(key);
  if (it == rate_.end()) throw HttpError{403, key.empty() ? "Please provide an API key" : "Invalid API key"};
  if (it->second == 0) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto& times = recent_[key];
  const auto now = std::chrono::steady_clock::now();
  while (!times.empty() && now - times.front() > std::chrono::minutes(1)) times.erase(times.begin());
  if (static_cast<int>(times.size()) >= it->second)
    throw HttpError{429, "Slowdown: " + std::to_string(it->second) + " per 1 minute", 60};
  times.push_back(now);
}

void ApiKeys::check(const httplib::Request& req, const json& fields) {
  if (!enabled()) return;
  std::string key;
  if (fields.contains("api_key") && fields["api_key"].is_string()) key = fields["api_key"].get<std::string>();
  const std::string auth = req.get_header_value("Authorization");
  if (key.empty() && auth.rfind("Bearer ", 0) == 0) key = auth.substr(7);
  check(key);
}

ServerState::ServerState(const ServeOptions& o)
    : options(o), registry(o.models, o.languages, o.compute_type, o.scheduler, metrics) {
  if (!o.api_keys_file.empty()) keys.load(o.api_keys_file);
}

std::vector<std::string> texts_of(const json& value, const std::string& field, const ServeOptions& limits) {
  std::vector<std::string> texts;
  if (value.is_string()) {
    texts.push_back(value.get<std::string>());
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (!item.is_string()) throw HttpError{400, "Invalid request: " + field + " must hold strings"};
      texts.push_back(item.get<std::string>());
    }
  } else {
    throw HttpError{400, "Invalid request: " + field + " must be a string or an array of strings"};
  }
  if (static_cast<int>(texts.size()) > limits.max_texts)
    throw HttpError{400, "Invalid request: request (" + std::to_string(texts.size()) + ") exceeds text limit (" +
                             std::to_string(limits.max_texts) + ")"};
  for (const auto& t : texts) {
    if (find_invalid_utf8(t) != std::string::npos) throw HttpError{400, "Invalid request: " + field + ": invalid UTF-8"};
    const size_t chars = utf8_length(t);
    if (static_cast<int>(chars) > limits.max_chars)
      throw HttpError{400, "Invalid request: request (" + std::to_string(chars) + ") exceeds text limit (" +
                               std::to_string(limits.max_chars) + ")"};
  }
  return texts;
}

SearchOptions search_options(const json& body, const ServedModel& model) {
  SearchOptions o = model.loaded.decode.search;
  auto number = [&](const char* key, double lo, double hi) -> double {
    const json& v = body.at(key);
    if (!v.is_number()) throw HttpError{400, std::string("Invalid request: ") + key + " must be a number"};
    const double x = v.get<double>();
    if (!(x >= lo && x <= hi))
      throw HttpError{400, std::string("Invalid request: ") + key + " must be between " + std::to_string(lo) + " and " +
                               std::to_string(hi)};
    return x;
  };
  if (body.contains("beam")) o.beam = static_cast<int>(number("beam", 1, 64));
  if (body.contains("nbest")) o.nbest = static_cast<int>(number("nbest", 1, 64));
  if (body.contains("length_penalty")) o.length_penalty = static_cast<float>(number("length_penalty", 0, 10));
  if (o.nbest > o.beam) throw HttpError{400, "Invalid request: nbest must not exceed beam"};
  return o;
}

std::vector<std::vector<TextHypothesis>> run_texts(ServerState& s, ServedModel& model,
                                                   const std::vector<std::string>& texts, const SearchOptions& search) {
  s.metrics.sentences_in(static_cast<long long>(texts.size()));
  std::shared_ptr<Job> job;
  try {
    job = model.scheduler->submit(texts, search);
  } catch (const QueueFull& e) {
    throw HttpError{429, std::string("Slowdown: ") + e.what(), 1};
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(s.options.deadline_ms);
  if (!job->wait_until(deadline)) {
    job->cancel();
    throw HttpError{504, "the request took longer than its deadline (" + std::to_string(s.options.deadline_ms) +
                             " ms); its remaining sentences were dropped"};
  }
  const std::string error = job->error();
  if (!error.empty()) throw HttpError{500, "decoding failed: " + error};
  s.metrics.sentences_out(static_cast<long long>(texts.size()));
  s.metrics.tokens_out(job->output_tokens());
  return std::move(job->results);
}

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n", "application/json");
}

json json_body(const httplib::Request& req) {
  json body;
  try {
    body = json::parse(req.body);
  } catch (const json::parse_error& e) {
    throw HttpError{400, std::string("Invalid JSON: ") + e.what()};
  }
  if (!body.is_object()) throw HttpError{400, "Invalid JSON format: expected an object"};
  return body;
}

}  // namespace serve

struct HttpServer::State : serve::ServerState {
  using serve::ServerState::ServerState;
  int listening_socket = -1;
};

HttpServer::HttpServer(const ServeOptions& options) : state_(std::make_unique<State>(options)) {
  auto& s = *state_;
  const int threads = std::max(1, options.http_threads);
  s.http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  s.http.set_payload_max_length(options.max_body_bytes);
  // Answers go out at once (no Nagle delay waiting on the client's delayed
  // ACK: +40 ms a request), and a client keeps its connection.
  s.http.set_tcp_nodelay(true);
  s.http.set_keep_alive_max_count(100000);
  s.http.set_keep_alive_timeout(10);
  // The listening socket, kept to raise its backlog after bind (cpp-httplib
  // listens with a backlog of 5: 64 clients connecting at once would see
  // refused or retried connections, seconds of latency).
  s.http.set_socket_options([st = state_.get()](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    st->listening_socket = sock;
  });
  // Every JSON route: CORS as LibreTranslate sends it; errors as {"error": ...}.
  s.http.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header("Access-Control-Allow-Origin", "*");
    res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
    res.set_header("Access-Control-Allow-Methods", "GET, POST");
  });
  s.http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const std::string what = res.status == 413 ? "the request body exceeds the server's limit"
                             : res.status == 404 ? "no route " + req.path
                                                 : "HTTP " + std::to_string(res.status);
    serve::send_json(res, res.status, {{"error", what}});
  });
  s.http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    serve::send_json(res, 500, {{"error", what}});
  });
  serve::add_native_routes(s);
  serve::add_libretranslate_routes(s);
}

HttpServer::~HttpServer() = default;

void HttpServer::run(const std::function<void(int port)>& on_listening) {
  auto& s = *state_;
  int port = s.options.port;
  if (port == 0) {
    port = s.http.bind_to_any_port(s.options.host);
    TANDEM_CHECK(port > 0) << "--host " << s.options.host << ": cannot bind a port";
  } else {
    TANDEM_CHECK(s.http.bind_to_port(s.options.host, port))
        << "--host " << s.options.host << " --port " << port << ": cannot listen (in use, or not allowed)";
  }
  // Listening again on a listening socket only changes its backlog (Linux).
  if (s.listening_socket >= 0) ::listen(s.listening_socket, 1024);
  if (on_listening) on_listening(port);
  s.http.listen_after_bind();
}

void HttpServer::stop() {
  for (const auto& m : state_->registry.models()) m->scheduler->drain();  // answer what is in flight now
  state_->http.stop();
}

}  // namespace tandem
