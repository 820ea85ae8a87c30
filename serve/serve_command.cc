// serve/serve_command.cc: `tandem serve -m MODEL.h5 [-m NAME=MODEL.h5 ...]
// [--host 127.0.0.1] [--port 5000] [--threads N] [--workers W]
// [--max-batch-tokens T] [--max-wait-ms M] [--max-queue Q] [--api-keys FILE]`.
// SIGTERM or SIGINT: stop accepting, finish the requests in flight, exit 0.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/options.h"
#include "core/error.h"
#include "core/threads.h"
#include "serve/http_server.h"

namespace tandem::cli {

int run_serve(int argc, char** argv) {
  po::options_description options("options");
  ServeOptions o;
  options.add_options()
      ("model,m", po::value<std::vector<std::string>>()->required(),
       "a model to serve: MODEL.h5 (named after the file) or NAME=MODEL.h5; repeatable")
      ("lang", po::value<std::vector<std::string>>(),
       "NAME=SRC:TGT (or SRC:TGT=TAG,TGT=TAG for a multilingual model): the languages of a model "
       "whose file records none (its recipe had no languages:); repeatable")
      ("compute-type", po::value<std::string>(&o.compute_type),
       "float32, int8 or bfloat16 for every model (default: each file's own)")
      ("host", po::value<std::string>(&o.host)->default_value("127.0.0.1"), "address to listen on")
      ("port", po::value<int>(&o.port)->default_value(5000), "port (0: any free port, printed)")
      ("workers", po::value<int>()->default_value(0),
       "batches decoded at the same time, per model (0: one per thread)")
      ("max-batch-tokens", po::value<int>(&o.scheduler.max_batch_tokens)->default_value(4096),
       "padded source tokens per batch, over the sentences of all waiting requests")
      ("max-wait-ms", po::value<int>(&o.scheduler.max_wait_ms)->default_value(10),
       "how long a sentence waits for others to share its batch (0: none: one request per batch)")
      ("max-queue", po::value<int>(&o.scheduler.max_queue)->default_value(10000),
       "sentences waiting, per model; a request that does not fit gets 429 with Retry-After")
      ("max-texts", po::value<int>(&o.max_texts)->default_value(128), "texts per request")
      ("max-chars", po::value<int>(&o.max_chars)->default_value(5000), "characters per text")
      ("max-body-kb", po::value<int>()->default_value(1024), "request body size in KiB")
      ("deadline-ms", po::value<int>(&o.deadline_ms)->default_value(30000),
       "a request not answered by then gets 504 and its queued sentences are dropped")
      ("http-threads", po::value<int>(&o.http_threads)->default_value(64), "connections served at once")
      ("api-keys", po::value<std::string>(&o.api_keys_file),
       "file of API keys, one per line with an optional requests-per-minute limit; without a valid\n"
       "key /translate answers 403");
  add_common_options(options);
  po::variables_map vm;
  if (!parse_command_line(argc, argv, "tandem serve -m MODEL.h5 [-m NAME=MODEL.h5 ...] [options]",
                          "Serve models over HTTP: tandem's API (POST /v1/translate, /v1/summarize,\n"
                          "GET /v1/models, /health, /metrics) and LibreTranslate's (POST /translate,\n"
                          "GET /languages), batching the sentences of concurrent requests together.\n"
                          "Listens on 127.0.0.1 unless --host says otherwise.",
                          options, {}, vm))
    return 0;
  apply_common_options(vm);
  o.models = vm["model"].as<std::vector<std::string>>();
  if (vm.count("lang")) o.languages = vm["lang"].as<std::vector<std::string>>();
  const int threads = num_threads();
  const int workers = vm["workers"].as<int>();
  TANDEM_CHECK(workers >= 0 && workers <= kMaxThreads) << "--workers must be between 0 and " << kMaxThreads;
  o.scheduler.workers = workers == 0 ? threads : workers;
  o.scheduler.threads_per_worker = std::max(1, threads / o.scheduler.workers);
  TANDEM_CHECK(o.port >= 0 && o.port <= 65535) << "--port must be between 0 and 65535, got " << o.port;
  TANDEM_CHECK(o.scheduler.max_batch_tokens >= 16) << "--max-batch-tokens must be >= 16";
  TANDEM_CHECK(o.scheduler.max_wait_ms >= 0 && o.scheduler.max_wait_ms <= 60000) << "--max-wait-ms: 0 to 60000";
  TANDEM_CHECK(o.scheduler.max_queue >= 1) << "--max-queue must be >= 1";
  TANDEM_CHECK(o.max_texts >= 1 && o.max_chars >= 1) << "--max-texts and --max-chars must be >= 1";
  TANDEM_CHECK(o.deadline_ms >= 1) << "--deadline-ms must be >= 1";
  TANDEM_CHECK(o.http_threads >= 1 && o.http_threads <= 4096) << "--http-threads: 1 to 4096";
  const int body_kb = vm["max-body-kb"].as<int>();
  TANDEM_CHECK(body_kb >= 1 && body_kb <= (1 << 20)) << "--max-body-kb: 1 to 1048576";
  o.max_body_bytes = static_cast<size_t>(body_kb) * 1024;

  // Signals go to one thread that stops the server (a handler may not).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client gone mid-answer is an error of that write, not of the server
  HttpServer server(o);
  std::atomic<bool> finished{false};  // set before this thread wakes the waiter itself
  std::thread waiter([&] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    if (finished) return;
    std::fprintf(stderr, "tandem serve: %s: finishing the requests in flight, then stopping\n",
                 signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
    server.stop();
  });
  try {
    server.run([&](int port) {
      std::fprintf(stderr, "tandem serve: listening on http://%s:%d (%zu model(s), %d worker(s) x %d thread(s))\n",
                   o.host.c_str(), port, o.models.size(), o.scheduler.workers, o.scheduler.threads_per_worker);
      std::fflush(stderr);
    });
  } catch (...) {
    finished = true;
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    throw;
  }
  finished = true;
  pthread_kill(waiter.native_handle(), SIGTERM);  // returned after a signal: the waiter has ended already
  waiter.join();
  std::fprintf(stderr, "tandem serve: stopped\n");
  return 0;
}

}  // namespace tandem::cli
