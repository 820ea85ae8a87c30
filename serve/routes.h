// serve/routes.h: what the route handlers share (internal to serve/): the
// server's state, request checks, and running sentences through a model.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "serve/http_server.h"
#include "serve/metrics.h"
#include "serve/served_model.h"

// After Eigen: httplib pulls in <resolv.h>, whose `_res` macro would rewrite a
// parameter name in Eigen's headers.
#include <httplib.h>
#undef _res

namespace tandem::serve {

using json = nlohmann::json;

// An error a handler raises: the status and the message of {"error": ...}.
struct HttpError {
  int status;
  std::string message;
  int retry_after = 0;  // seconds, for 429
};

// API keys with a request rate per key (requests per minute; 0 = unlimited).
class ApiKeys {
 public:
  void load(const std::string& path);
  bool enabled() const { return !rate_.empty(); }
  // Throws HttpError 403 (unknown key) or 429 (over its rate).
  void check(const std::string& key);
  // The request's key: the "api_key" field, else "Authorization: Bearer KEY".
  void check(const httplib::Request& req, const json& fields);

 private:
  std::map<std::string, int> rate_;
  std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> recent_;
  std::mutex mutex_;
};

struct ServerState {
  ServeOptions options;
  ServerMetrics metrics;
  ModelRegistry registry;
  ApiKeys keys;
  httplib::Server http;
  explicit ServerState(const ServeOptions& o);
};

// The texts of a request field: a string or an array of strings, each checked
// against the limits (field named in errors).
std::vector<std::string> texts_of(const json& value, const std::string& field, const ServeOptions& limits);
// The search settings of a request: the model's stored ones, overridden by
// beam, length_penalty, nbest (checked).
SearchOptions search_options(const json& body, const ServedModel& model);
// Runs the texts through the model's scheduler and waits (deadline: 504).
std::vector<std::vector<TextHypothesis>> run_texts(ServerState& s, ServedModel& model,
                                                   const std::vector<std::string>& texts, const SearchOptions& search);
void send_json(httplib::Response& res, int status, const json& body);
// Parses a JSON object body; 400 naming the problem otherwise.
json json_body(const httplib::Request& req);

// Runs a handler: an HttpError becomes its JSON error; every request is
// counted by route and status, with its latency.
void guarded(ServerState& s, const std::string& route, const httplib::Request& req, httplib::Response& res,
             const std::function<void(const httplib::Request&, httplib::Response&)>& handler);

// An httplib handler that runs handler(s, req, res) under guarded().
template <typename Handler>
httplib::Server::Handler routed(ServerState& s, const std::string& route, Handler handler) {
  return [&s, route, handler](const httplib::Request& req, httplib::Response& res) {
    guarded(s, route, req, res, [&](const httplib::Request& q, httplib::Response& r) { handler(s, q, r); });
  };
}

void add_native_routes(ServerState& s);
void add_libretranslate_routes(ServerState& s);

}  // namespace tandem::serve
