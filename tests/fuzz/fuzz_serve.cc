// Harness: tandem serve's request handling, over real HTTP on loopback. The
// process starts one server (a tiny model with a vocabulary, small limits)
// and sends each input as a request: its first byte picks the route and the
// content type, the rest is the body. Every answer must be a JSON object
// with a status the API documents (200, 400, 403, 404, 413, 429, 504); a
// 500, a malformed answer, a hang or a crash is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "../model/tiny_model.h"
#include "cli/commands.h"
#include "fuzz_harness.h"
#include "io/model_file.h"
#include "serve/http_server.h"
#include "tokenizer/vocab_trainer.h"

// After Eigen (see serve/routes.h).
#include <httplib.h>
#undef _res

const char* fuzz_harness_name() { return "serve"; }

const std::vector<std::string>& fuzz_dictionary() {
  static const std::vector<std::string> d = {
      "{\"text\": ", "\"q\": ", "\"source\": \"en\"", "\"target\": \"de\"", "[\"a b\", \"c\"]", "\"stream\": true",
      "\"beam\": ", "\"nbest\": ", "\"return_attention\": true", "\"tag\": ", "\"model\": ", "\"alternatives\": ",
      "\"documents\": ", "q=the+dog&source=en&target=de", "\xff", "\\u0000", "1e309", "-1", "null", "}"};
  return d;
}

namespace {

struct Sandbox {
  std::unique_ptr<tandem::HttpServer> server;
  std::thread thread;
  int port = 0;
};

Sandbox& sandbox() {
  static Sandbox* s = [] {
    auto* box = new Sandbox;
    const std::string dir = fuzz_temp_path("-serve");
    std::system(("mkdir -p " + dir).c_str());
    std::vector<std::string> text;
    for (int i = 0; i < 200; ++i) text.push_back("the dog " + std::to_string(i % 13) + " runs near house " + std::to_string(i % 7));
    tandem::VocabOptions vo;
    vo.size = 40;
    tandem::ModelFileMeta meta;
    meta.vocab_src = tandem::train_vocab(text, vo);
    meta.joint_vocab = true;
    tandem::ModelConfig c = tandem::test::tiny_config(tandem::NormPlacement::Pre, tandem::TieEmbeddings::All,
                                                      tandem::Activation::Relu);
    const tandem::Tokenizer tok(meta.vocab_src, "fuzz vocabulary");
    c.src_vocab_size = c.tgt_vocab_size = tok.vocab_size();
    c.pad_id = tok.pad_id();
    meta.config_yaml = tandem::config_document(c);
    tandem::Seq2Seq model(c);
    model.init(1);
    tandem::save_model(dir + "/m.h5", model, meta);
    tandem::ServeOptions o;
    o.models = {"m=" + dir + "/m.h5"};
    o.languages = {"m=en:de"};
    o.port = 0;
    o.max_texts = 8;
    o.max_chars = 200;
    o.max_body_bytes = 4096;
    o.deadline_ms = 5000;
    o.scheduler.max_wait_ms = 1;
    o.scheduler.max_queue = 64;
    box->server = std::make_unique<tandem::HttpServer>(o);
    // Shared: the server thread may still be inside set_value when get() returns.
    auto ready = std::make_shared<std::promise<int>>();
    auto port = ready->get_future();
    box->thread = std::thread([box, ready] { box->server->run([ready](int p) { ready->set_value(p); }); });
    box->port = port.get();
    return box;
  }();
  return *s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Sandbox& box = sandbox();
  if (size == 0) return 0;
  static const char* routes[] = {"/v1/translate", "/translate", "/v1/summarize", "/languages", "/v1/models", "/health"};
  const char* route = routes[data[0] % 6];
  const bool form = (data[0] >> 4) & 1;
  const std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  httplib::Client client("127.0.0.1", box.port);
  client.set_read_timeout(20, 0);
  const auto res = (data[0] % 6) >= 3 ? client.Get(route)
                                      : client.Post(route, body, form ? "application/x-www-form-urlencoded" : "application/json");
  if (!res) {
    std::fprintf(stderr, "fuzz serve: no answer from %s\n", route);
    std::abort();
  }
  const int status = res->status;
  const bool documented = status == 200 || status == 400 || status == 403 || status == 404 || status == 413 ||
                          status == 429 || status == 504;
  const bool event_stream = res->get_header_value("Content-Type").rfind("text/event-stream", 0) == 0;
  bool json_ok = event_stream;
  if (!event_stream) {
    try {
      const auto parsed = nlohmann::json::parse(res->body);
      json_ok = parsed.is_object() || parsed.is_array();
    } catch (const std::exception&) {
    }
  }
  if (!documented || !json_ok) {
    std::fprintf(stderr, "fuzz serve: %s answered %d: %.300s\n", route, status, res->body.c_str());
    std::abort();
  }
  return 0;
}
