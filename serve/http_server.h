// serve/http_server.h: `tandem serve`: an HTTP server (cpp-httplib, JSON by
// nlohmann-json) in front of the batch schedulers of its models.
//   native API     POST /v1/translate, /v1/summarize; GET /v1/models, /health, /metrics
//   LibreTranslate POST /translate; GET /languages, /frontend/settings
// Limits: body size, texts per request, characters per text, queue length
// (429 + Retry-After), a deadline per request (504, its queued work dropped);
// optional API keys with a request rate per key (403 / 429; every translate
// and summarize route: an "api_key" field or "Authorization: Bearer"). Errors are JSON
// {"error": "..."} naming the field at fault.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "serve/batch_scheduler.h"

namespace tandem {

struct ServeOptions {
  std::vector<std::string> models;     // -m NAME=PATH or PATH
  std::vector<std::string> languages;  // --lang NAME=SRC:TGT for models without recorded languages
  std::string compute_type;            // "" = each model file's own
  std::string host = "127.0.0.1";
  int port = 5000;                     // 0: any free port (tests)
  SchedulerOptions scheduler;
  int http_threads = 64;               // connections served at once (each waits for its sentences)
  size_t max_body_bytes = 1 << 20;
  int max_texts = 128;                 // per request
  int max_chars = 5000;                // per text, in code points
  int deadline_ms = 30000;
  std::string api_keys_file;           // lines "KEY [requests per minute]"; "" = no keys
};

class HttpServer {
 public:
  explicit HttpServer(const ServeOptions& options);
  ~HttpServer();
  // Binds, calls on_listening(port), serves until stop(); in-flight requests
  // finish before it returns.
  void run(const std::function<void(int port)>& on_listening);
  void stop();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace tandem
