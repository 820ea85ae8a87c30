#!/usr/bin/python3
"""tandem serve with real HTTP clients on loopback (Python's urllib and curl):
every route, LibreTranslate's request and response shapes, each limit and its
status, Server-Sent Events, API keys, many concurrent clients each getting
exactly the CLI's output, and SIGTERM finishing the request in flight.
usage: serve_test.py TANDEM"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

TANDEM = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp()
passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok:", name)
    else:
        failed += 1
        print("FAIL:", name, detail)


def run(*args, **kw):
    return subprocess.run([TANDEM, *args], check=True, capture_output=True, text=True, **kw)


# A tiny model with a real vocabulary; its recipe would record en -> de.
words = [f"the dog number {i % 17} runs over the green grass near house {i % 5}" for i in range(300)]
with open(f"{work}/text.txt", "w") as f:
    f.write("\n".join(words) + "\n")
run("vocab", "-i", f"{work}/text.txt", "--size", "80", "-o", f"{work}/spm.model")
run("init", "-c", f"{HERE}/../cli/tiny.yaml", "--vocab", f"{work}/spm.model", "-o", f"{work}/tiny.h5")
sentences = [f"the dog number {i} runs" if i % 7 else "the green grass" for i in range(40)] + ["", "   "]
with open(f"{work}/in.txt", "w") as f:
    f.write("\n".join(sentences) + "\n")
cli = run("translate", "-m", f"{work}/tiny.h5", "-i", f"{work}/in.txt").stdout.split("\n")[: len(sentences)]


class Server:
    def __init__(self, *extra):
        threads = [] if "--threads" in extra else ["--threads", "2"]
        self.proc = subprocess.Popen([TANDEM, "serve", "-m", f"tiny={work}/tiny.h5", "--lang", "tiny=en:de",
                                      "--port", "0", *threads, *extra],
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
        if not m:
            raise SystemExit(f"server did not start: {line}{self.proc.stderr.read()}")
        self.url = f"http://127.0.0.1:{m.group(1)}"

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=30)


def request(url, body=None, form=None, headers=None, method=None):
    """(status, headers, parsed JSON or text)"""
    data, hdrs = None, dict(headers or {})
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        hdrs["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, headers=hdrs, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            status, h, raw = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, h, raw = e.code, e.headers, e.read()
    text = raw.decode()
    try:
        return status, h, json.loads(text)
    except ValueError:
        return status, h, text


s = Server()
try:
    status, _, body = request(s.url + "/health")
    check("GET /health", status == 200 and body == {"status": "ok"}, body)
    status, _, body = request(s.url + "/v1/models")
    m = body["models"][0] if status == 200 else {}
    check("GET /v1/models: name, languages, architecture, compute type",
          m.get("name") == "tiny" and m.get("languages", {}).get("source") == "en"
          and m.get("architecture", {}).get("d_model") == 16 and m.get("compute_type") == "float32", body)
    status, _, body = request(s.url + "/v1/translate", {"text": sentences, "return_scores": True})
    got = [t["text"] for t in body.get("translations", [])] if status == 200 else []
    check("POST /v1/translate: a list, in input order, == the CLI's output", got == cli, (status, got[:3], cli[:3]))
    check("scores returned on request", status == 200 and all("score" in t for t in body["translations"]))
    status, _, body = request(s.url + "/v1/translate", {"text": sentences[3], "nbest": 2, "beam": 3, "return_attention": True})
    t = body["translations"][0] if status == 200 else {}
    att = t.get("attention", {})
    rows_sum_to_one = all(abs(sum(r) - 1) < 1e-3 for r in att.get("weights", [[0]]))
    check("nbest and attention (rows sum to 1)", len(t.get("nbest", [])) == 2 and rows_sum_to_one
          and len(att.get("weights", [])) == len(att.get("target_pieces", [])) + 1, t)

    # /v1/score: the numbers `tandem score-pairs --per-token` prints for the same pairs.
    pairs_src, pairs_tgt = sentences[:6], sentences[6:12]
    open(f"{work}/ps.txt", "w").write("\n".join(pairs_src) + "\n")
    open(f"{work}/pt.txt", "w").write("\n".join(pairs_tgt) + "\n")
    cli_scores = run("score-pairs", "-m", f"{work}/tiny.h5", "-s", f"{work}/ps.txt", "-t", f"{work}/pt.txt",
                     "--per-token").stdout.splitlines()
    status, _, body = request(s.url + "/v1/score", {"source": pairs_src, "target": pairs_tgt, "per_token": True})
    got = [f"{x['log_prob']:.6f} ||| " + " ".join(f"{t:.6f}" for t in x["token_log_probs"])
           for x in body.get("scores", [])] if status == 200 else []
    check("POST /v1/score == `tandem score-pairs --per-token`", got == cli_scores, (status, got[:2], cli_scores[:2]))
    status, _, body = request(s.url + "/v1/score", {"source": ["a", "b"], "target": ["a"]})
    check("/v1/score: unequal counts -> 400", status == 400 and "2 sources but 1 targets" in body.get("error", ""), body)
    long = " ".join(f"the green grass near house {i}" for i in range(20))
    status, _, body = request(s.url + "/v1/score", {"source": "a", "target": long})
    check("/v1/score: a target longer than the model -> 400 naming it", status == 400 and "the target has" in body.get("error", ""), body)

    # Many concurrent clients, one sentence each: each gets exactly the CLI's line.
    results, errors = {}, []

    def client(i):
        try:
            st, _, b = request(s.url + "/v1/translate", {"text": sentences[i]})
            results[i] = b["translations"][0]["text"] if st == 200 else f"status {st}"
        except Exception as e:  # noqa: BLE001
            errors.append(str(e))
    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(sentences))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    check(f"{len(sentences)} concurrent clients each get the CLI's output",
          not errors and all(results[i] == cli[i] for i in range(len(sentences))), errors[:2])
    status, _, metrics = request(s.url + "/metrics")
    batches = re.search(r"tandem_batch_sentences_count (\d+)", metrics)
    sentences_in = re.search(r"tandem_sentences_in_total (\d+)", metrics)
    check("GET /metrics: Prometheus text with requests, batches, queue",
          status == 200 and 'tandem_requests_total{route="/v1/translate",status="200"}' in metrics
          and batches and sentences_in and "tandem_queue_sentences 0" in metrics, metrics[:300])

    # Server-Sent Events.
    req = urllib.request.Request(s.url + "/v1/translate", data=json.dumps({"text": sentences[:10], "stream": True}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        stream = r.read().decode()
        content_type = r.headers.get("Content-Type")
    events = [json.loads(line[6:]) for line in stream.split("\n") if line.startswith("data: ")]
    by_index = {e["index"]: e["text"] for e in events if "index" in e}
    check("stream: one event per sentence, then done", content_type.startswith("text/event-stream")
          and sorted(by_index) == list(range(10)) and all(by_index[i] == cli[i] for i in range(10))
          and "event: done" in stream and events[-1].get("complete") is True, stream[:300])

    # LibreTranslate's API, as its clients send it.
    status, _, body = request(s.url + "/translate", {"q": sentences[1], "source": "en", "target": "de", "format": "text"})
    check("LibreTranslate POST /translate (JSON, q string)", status == 200 and body == {"translatedText": cli[1]}, body)
    status, _, body = request(s.url + "/translate", {"q": sentences[:3], "source": "en", "target": "de"})
    check("LibreTranslate q array -> translatedText array", status == 200 and body.get("translatedText") == cli[:3], body)
    status, _, body = request(s.url + "/translate", form={"q": sentences[2], "source": "EN", "target": "de"})
    check("LibreTranslate form fields, codes in any case", status == 200 and body.get("translatedText") == cli[2], body)
    status, _, body = request(s.url + "/translate", {"q": sentences[2], "source": "en", "target": "de", "alternatives": 2})
    check("LibreTranslate alternatives: a list", status == 200 and isinstance(body.get("alternatives"), list), body)
    for fields, message in [({"source": "en", "target": "de"}, "Invalid request: missing q parameter"),
                            ({"q": "x", "target": "de"}, "Invalid request: missing source parameter"),
                            ({"q": "x", "source": "en"}, "Invalid request: missing target parameter"),
                            ({"q": "x", "source": "en", "target": "zz"}, "zz is not supported"),
                            ({"q": "x", "source": "en", "target": "de", "format": "pdf"}, "pdf format is not supported")]:
        status, _, body = request(s.url + "/translate", fields)
        check(f"LibreTranslate 400: {message}", status == 400 and body == {"error": message}, (status, body))
    status, _, body = request(s.url + "/translate", {"q": "x", "source": "auto", "target": "de"})
    check("source auto: a clear 400", status == 400 and "detect" in body.get("error", ""), body)
    status, _, body = request(s.url + "/languages")
    check("LibreTranslate GET /languages: every language, with its targets", status == 200 and body == [
        {"code": "de", "name": "German", "targets": []}, {"code": "en", "name": "English", "targets": ["de"]}], body)

    # Bad requests: JSON errors name the field; nothing crashes.
    status, _, body = request(s.url + "/v1/translate", b'{"text": [1, 2]}')
    check("400: text of numbers, naming the field", status == 400 and "text" in body.get("error", ""), body)
    status, _, body = request(s.url + "/v1/translate", b'{"text": "a", ')
    check("400: malformed JSON", status == 400 and "Invalid JSON" in body.get("error", ""), body)
    status, _, body = request(s.url + "/v1/translate", b'{"text": "bad \xff byte"}')
    check("400: invalid UTF-8", status == 400 and "error" in body, body)
    status, _, body = request(s.url + "/v1/translate", {"text": "a", "beam": 0})
    check("400: beam out of range", status == 400 and "beam" in body.get("error", ""), body)
    status, _, body = request(s.url + "/v1/translate", {"text": ["a"] * 129})
    check("400: too many texts", status == 400 and "exceeds text limit (128)" in body.get("error", ""), body)
    status, _, body = request(s.url + "/v1/translate", {"text": "a" * 5001})
    check("400: a text over --max-chars", status == 400 and "(5001) exceeds text limit (5000)" in body.get("error", ""), body)
    status, _, body = request(s.url + "/v1/translate", {"text": "x" * (2 << 20)})
    check("413: a body over --max-body-kb", status == 413 and "error" in body, (status, str(body)[:100]))
    status, _, body = request(s.url + "/v1/translate", {"text": "a", "model": "nope"})
    check("400: unknown model", status == 400 and "nope" in body.get("error", ""), body)
    curl = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", s.url + "/no-such-route"],
                          capture_output=True, text=True)
    check("curl: 404 for an unknown route", curl.stdout == "404", curl.stdout)
    curl = subprocess.run(["curl", "-s", "-X", "POST", "-H", "Content-Type: application/json",
                           "-d", json.dumps({"q": sentences[4], "source": "en", "target": "de"}), s.url + "/translate"],
                          capture_output=True, text=True)
    check("curl: LibreTranslate translate", json.loads(curl.stdout or "{}").get("translatedText") == cli[4], curl.stdout)
finally:
    code = s.stop()
check("SIGTERM: exit status 0", code == 0, code)

# Limits that need their own server: queue length (429) and the deadline (504).
s = Server("--max-queue", "2")
try:
    status, headers, body = request(s.url + "/v1/translate", {"text": sentences[:3]})
    check("429 with Retry-After when the queue cannot take the request", status == 429
          and headers.get("Retry-After") and "queue" in body.get("error", ""), (status, body))
finally:
    s.stop()
long_text = " ".join(sentences[:12])  # ~100 tokens: far more than 1 ms of decoding
s = Server("--deadline-ms", "1")
try:
    status, _, body = request(s.url + "/v1/translate", {"text": long_text})
    check("504 when a request outlives its deadline", status == 504 and "deadline" in body.get("error", ""), (status, body))
finally:
    s.stop()
# SIGTERM while one worker decodes a large request and a small one waits (up
# to 3 s) for company: the drain sends the small one at once, both are
# answered, the server exits 0.
s = Server("--workers", "1", "--threads", "1", "--max-wait-ms", "3000")
answers = {}
heavy = threading.Thread(target=lambda: answers.update(heavy=request(s.url + "/v1/translate", {"text": [long_text] * 64, "beam": 8})))
light = threading.Thread(target=lambda: answers.update(light=request(s.url + "/translate", {"q": sentences[5], "source": "en", "target": "de"})))
heavy.start()
time.sleep(0.2)
light.start()
time.sleep(0.2)
start = time.time()
code = s.stop()
heavy.join()
light.join()
check("SIGTERM drains: both requests in flight are answered, exit 0",
      code == 0 and answers.get("heavy", (0,))[0] == 200 and answers.get("light", (0,))[0] == 200
      and answers["light"][2].get("translatedText") == cli[5], (code, {k: v[0] for k, v in answers.items()}))

with open(f"{work}/keys.txt", "w") as f:
    f.write("# key requests-per-minute\nsecret-1 2\nunlimited\n")
s = Server("--api-keys", f"{work}/keys.txt")
try:
    q = {"q": sentences[1], "source": "en", "target": "de"}
    status, _, body = request(s.url + "/translate", q)
    check("API keys: no key -> 403", status == 403, body)
    status, _, body = request(s.url + "/translate", {**q, "api_key": "wrong"})
    check("API keys: a wrong key -> 403 Invalid API key", status == 403 and body == {"error": "Invalid API key"}, body)
    codes = [request(s.url + "/translate", {**q, "api_key": "secret-1"})[0] for _ in range(3)]
    check("API keys: 2 per minute, the third -> 429", codes == [200, 200, 429], codes)
    status, _, _ = request(s.url + "/translate", {**q, "api_key": "unlimited"})
    check("API keys: a key without a limit", status == 200)
    status, _, _ = request(s.url + "/v1/translate", {"text": sentences[1]})
    check("API keys guard the native API too: no key -> 403", status == 403)
    status, _, body = request(s.url + "/v1/translate", {"text": sentences[1]}, headers={"Authorization": "Bearer unlimited"})
    check("API keys: Authorization: Bearer on the native API", status == 200 and body["translations"][0]["text"] == cli[1],
          (status, body))
finally:
    s.stop()

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
