// serve/routes_native.cc: tandem's own API.
//   POST /v1/translate {"model", "text": str | [str], "beam", "length_penalty",
//     "nbest", "tag", "return_scores", "return_attention", "stream"}
//     -> {"translations": [{"text", "score"?, "nbest"?, "attention"?}], "model", "timings"}
//     "stream": true answers with Server-Sent Events, one per sentence as it
//     finishes ({"index", "text", ...}), then an event "done".
//   POST /v1/summarize {"model", "documents": [...], "stream"} -> {"summaries": [...]}
//   POST /v1/score {"model", "source": str | [str], "target": same count, "per_token", "tag"}
//     -> {"scores": [{"log_prob", "score", "tokens", "token_log_probs"?}]}: the
//     model's log-probability of each given translation (`tandem score-pairs`)
//   GET /v1/models, /health, /metrics (Prometheus text), / (the web page)
#include <condition_variable>
#include <deque>

#include "search/pair_scorer.h"
#include "serve/routes.h"
#include "web_page.h"

namespace tandem::serve {
namespace {

using Clock = std::chrono::steady_clock;

json attention_json(const AttentionRecord& a) {
  json rows = json::array();
  for (Eigen::Index r = 0; r < a.weights.rows(); ++r) {
    json row = json::array();
    for (Eigen::Index c = 0; c < a.weights.cols(); ++c) row.push_back(a.weights(r, c));
    rows.push_back(row);
  }
  return {{"source_pieces", a.source_pieces}, {"target_pieces", a.target_pieces}, {"weights", rows}};
}

json translation_json(const std::vector<TextHypothesis>& nbest, bool scores, bool attention, bool with_nbest) {
  json t = {{"text", nbest[0].text}};
  if (scores) t["score"] = nbest[0].score;
  if (with_nbest) {
    json list = json::array();
    for (const auto& h : nbest) list.push_back({{"text", h.text}, {"score", h.score}});
    t["nbest"] = list;
  }
  if (attention && nbest[0].attention.weights.size() > 0) t["attention"] = attention_json(nbest[0].attention);
  return t;
}

// The model a request names ("model", default the first) or 400.
ServedModel& model_of(ServerState& s, const json& body) {
  const std::string name = body.contains("model") && body["model"].is_string() ? body["model"].get<std::string>() : "";
  ServedModel* m = s.registry.find(name);
  if (!m) throw HttpError{400, "Invalid request: model: no model named \"" + name + "\""};
  return *m;
}

bool flag(const json& body, const char* key) {
  if (!body.contains(key)) return false;
  if (!body[key].is_boolean()) throw HttpError{400, std::string("Invalid request: ") + key + " must be true or false"};
  return body[key].get<bool>();
}

// Prefixes a multilingual model's tag to every non-blank text.
void apply_tag(const json& body, const ServedModel& m, std::vector<std::string>& texts) {
  if (!body.contains("tag")) return;
  if (!body["tag"].is_string()) throw HttpError{400, "Invalid request: tag must be a string"};
  const std::string tag = body["tag"].get<std::string>();
  if (m.loaded.source->piece_id(tag) < 0) throw HttpError{400, "Invalid request: tag " + tag + " is not one of the model's"};
  for (auto& t : texts)
    if (t.find_first_not_of(" \t\r\n") != std::string::npos) t = tag + " " + t;
}

// Server-Sent Events: each finished sentence as it comes, then "done".
void stream_events(ServerState& s, ServedModel& m, std::vector<std::string> texts, SearchOptions search, bool scores,
                   bool attention, bool with_nbest, httplib::Response& res) {
  struct Channel {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::string> events;
  };
  auto channel = std::make_shared<Channel>();
  const auto start = Clock::now();
  std::shared_ptr<Job> job;
  try {
    job = m.scheduler->submit(texts, search, [channel, scores, attention, with_nbest](int64_t i, const std::vector<TextHypothesis>& r) {
      json event = translation_json(r, scores, attention, with_nbest);
      event["index"] = i;
      std::lock_guard<std::mutex> lock(channel->mutex);
      channel->events.push_back("data: " + event.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n");
      channel->ready.notify_all();
    });
  } catch (const QueueFull& e) {
    throw HttpError{429, std::string("Slowdown: ") + e.what(), 1};
  }
  s.metrics.sentences_in(static_cast<long long>(texts.size()));
  const auto deadline = start + std::chrono::milliseconds(s.options.deadline_ms);
  const size_t total = texts.size();
  auto sent = std::make_shared<size_t>(0);
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider(
      "text/event-stream",
      [&s, job, channel, sent, total, deadline, start, name = m.name](size_t, httplib::DataSink& sink) {
        std::unique_lock<std::mutex> lock(channel->mutex);
        channel->ready.wait_until(lock, std::min(deadline, Clock::now() + std::chrono::milliseconds(200)),
                                  [&] { return !channel->events.empty(); });
        while (!channel->events.empty()) {
          const std::string event = std::move(channel->events.front());
          channel->events.pop_front();
          if (!sink.write(event.data(), event.size())) {  // the client has gone: drop its work
            job->cancel();
            return false;
          }
          ++*sent;
        }
        if (*sent == total || Clock::now() >= deadline) {
          json done = {{"model", name}, {"sentences", *sent}, {"complete", *sent == total},
                       {"timings", {{"total_ms", std::chrono::duration<double, std::milli>(Clock::now() - start).count()}}}};
          if (*sent < total) job->cancel();
          const std::string event = "event: done\ndata: " + done.dump() + "\n\n";
          sink.write(event.data(), event.size());
          sink.done();
          s.metrics.sentences_out(static_cast<long long>(*sent));
          s.metrics.tokens_out(job->output_tokens());
        }
        return true;
      });
}

void translate(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  const json body = json_body(req);
  s.keys.check(req, body);
  ServedModel& m = model_of(s, body);
  if (!body.contains("text")) throw HttpError{400, "Invalid request: missing text"};
  std::vector<std::string> texts = texts_of(body["text"], "text", s.options);
  apply_tag(body, m, texts);
  SearchOptions search = search_options(body, m);
  const bool scores = flag(body, "return_scores"), attention = flag(body, "return_attention");
  const bool with_nbest = body.contains("nbest");
  search.record_attention = attention;
  if (flag(body, "stream")) return stream_events(s, m, texts, search, scores, attention, with_nbest, res);
  const auto start = Clock::now();
  const auto results = run_texts(s, m, texts, search);
  json out = {{"model", m.name}, {"translations", json::array()}};
  for (const auto& r : results) out["translations"].push_back(translation_json(r, scores, attention, with_nbest));
  out["timings"] = {{"total_ms", std::chrono::duration<double, std::milli>(Clock::now() - start).count()}};
  send_json(res, 200, out);
}

void summarize(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  const json body = json_body(req);
  s.keys.check(req, body);
  ServedModel& m = model_of(s, body);
  if (!body.contains("documents")) throw HttpError{400, "Invalid request: missing documents"};
  const std::vector<std::string> documents = texts_of(body["documents"], "documents", s.options);
  const int limit = m.loaded.model->config().position_limit() - 1;
  for (size_t i = 0; i < documents.size(); ++i)
    if (static_cast<int>(m.loaded.source->encode(documents[i]).size()) > limit)
      throw HttpError{400, "Invalid request: documents[" + std::to_string(i) + "] exceeds the model's " +
                               std::to_string(limit) + " tokens (split it, or use `tandem summarize`)"};
  const SearchOptions search = search_options(body, m);
  if (flag(body, "stream")) return stream_events(s, m, documents, search, false, false, false, res);
  const auto results = run_texts(s, m, documents, search);
  json out = {{"model", m.name}, {"summaries", json::array()}};
  for (const auto& r : results) out["summaries"].push_back(r[0].text);
  send_json(res, 200, out);
}

void score(ServerState& s, const httplib::Request& req, httplib::Response& res) {
  const json body = json_body(req);
  s.keys.check(req, body);
  ServedModel& m = model_of(s, body);
  if (!body.contains("source") || !body.contains("target"))
    throw HttpError{400, "Invalid request: give source and target (the same number of each)"};
  std::vector<std::string> sources = texts_of(body["source"], "source", s.options);
  const std::vector<std::string> targets = texts_of(body["target"], "target", s.options);
  if (sources.size() != targets.size())
    throw HttpError{400, "Invalid request: " + std::to_string(sources.size()) + " sources but " +
                             std::to_string(targets.size()) + " targets"};
  apply_tag(body, m, sources);
  const bool per_token = flag(body, "per_token");
  const SearchOptions search = search_options(body, m);  // length_penalty of "score"
  std::vector<PairScore> scores;
  try {
    const PairScorer scorer(*m.loaded.model, *m.loaded.source, *m.loaded.target, m.loaded.decode.batch_tokens,
                            search.length_penalty);
    scores = scorer.score(sources, targets, per_token);
  } catch (const std::runtime_error& e) {  // tandem::Error: a pair too long for the model
    throw HttpError{400, std::string("Invalid request: ") + e.what()};
  }
  json out = {{"model", m.name}, {"scores", json::array()}};
  for (const auto& p : scores) {
    json j = {{"log_prob", p.log_prob}, {"score", p.score}, {"tokens", p.tokens}};
    if (per_token) j["token_log_probs"] = p.token_log_probs;
    out["scores"].push_back(j);
  }
  send_json(res, 200, out);
}

json models_json(ServerState& s) {
  json list = json::array();
  for (const auto& m : s.registry.models()) {
    const ModelConfig& c = m->loaded.model->config();
    json languages = nullptr;
    if (!m->languages.empty()) {
      json targets = json::array();
      for (const auto& [code, tag] : m->languages.targets) targets.push_back({{"code", code}, {"tag", tag}});
      languages = {{"source", m->languages.source}, {"targets", targets}};
    }
    list.push_back({{"name", m->name},
                    {"languages", languages},
                    {"architecture",
                     {{"d_model", c.d_model}, {"heads", c.heads}, {"encoder_layers", c.encoder_layers},
                      {"decoder_layers", c.decoder_layers}, {"vocabulary", c.src_vocab_size},
                      {"max_positions", c.position_limit()}, {"parameters", m->loaded.model->parameter_count()}}},
                    {"compute_type", compute_type_name(m->loaded.meta.compute_type)}});
  }
  return {{"models", list}};
}

}  // namespace

// Runs a handler: HttpError -> its JSON error; every request counted by route and status.
void guarded(ServerState& s, const std::string& route, const httplib::Request& req, httplib::Response& res,
             const std::function<void(const httplib::Request&, httplib::Response&)>& handler) {
  const auto start = Clock::now();
  try {
    handler(req, res);
  } catch (const HttpError& e) {
    send_json(res, e.status, {{"error", e.message}});
    if (e.retry_after > 0) res.set_header("Retry-After", std::to_string(e.retry_after));
  } catch (const json::exception& e) {
    send_json(res, 400, {{"error", std::string("Invalid request: ") + e.what()}});
  }
  s.metrics.request(route, res.status, std::chrono::duration<double>(Clock::now() - start).count());
}

void add_native_routes(ServerState& s) {
  s.http.Post("/v1/translate", routed(s, "/v1/translate", translate));
  s.http.Post("/v1/summarize", routed(s, "/v1/summarize", summarize));
  s.http.Post("/v1/score", routed(s, "/v1/score", score));
  s.http.Get("/v1/models", routed(s, "/v1/models", [](ServerState& st, const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, models_json(st));
  }));
  s.http.Get("/health", routed(s, "/health", [](ServerState&, const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, {{"status", "ok"}});
  }));
  s.http.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(kWebPage, "text/html; charset=utf-8");
  });
  s.http.Get("/metrics", [&s](const httplib::Request&, httplib::Response& res) {
    res.set_content(s.metrics.render([&s] { return s.registry.queued(); }), "text/plain; version=0.0.4");
  });
}

}  // namespace tandem::serve
