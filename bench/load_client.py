#!/usr/bin/python3
"""bench/load_client.py URL SENTENCES SPM_MODEL --clients C --per-request S
[--requests N] [--seconds T]: a bounded load generator for tandem serve's
native API (POST /v1/translate {"text": [...]}), also spoken by
bench/ct2_server.py. C client threads each send requests of S consecutive
sentences (cycling through the file) until N requests were sent in all or T
seconds passed; prints one JSON line: requests/s, sentences/s, target
tokens/s (outputs re-encoded with SPM_MODEL), latency p50/p90/p99 in ms,
errors. Loopback only; stops by itself."""
import argparse
import json
import threading
import time
import urllib.request

import sentencepiece as spm


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("sentences")
    ap.add_argument("spm_model")
    ap.add_argument("--clients", type=int, default=1)
    ap.add_argument("--per-request", type=int, default=1)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=30)
    a = ap.parse_args()
    if not a.url.startswith("http://127.") and not a.url.startswith("http://localhost"):
        raise SystemExit("load_client: loopback addresses only")
    lines = [l.rstrip("\n") for l in open(a.sentences, encoding="utf-8") if l.strip()]
    sp = spm.SentencePieceProcessor(model_file=a.spm_model)
    lock = threading.Lock()
    state = {"next": 0, "latencies": [], "sentences": 0, "tokens": 0, "errors": 0}
    deadline = time.perf_counter() + a.seconds

    def client():
        while True:
            with lock:
                if state["next"] >= a.requests or time.perf_counter() > deadline:
                    return
                k = state["next"]
                state["next"] += 1
            texts = [lines[(k * a.per_request + i) % len(lines)] for i in range(a.per_request)]
            body = json.dumps({"text": texts}).encode()
            req = urllib.request.Request(a.url + "/v1/translate", data=body, headers={"Content-Type": "application/json"})
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    out = json.loads(r.read())
                latency = time.perf_counter() - t0
                tokens = sum(len(sp.encode(t["text"])) for t in out["translations"])
                with lock:
                    state["latencies"].append(latency)
                    state["sentences"] += len(texts)
                    state["tokens"] += tokens
            except Exception:  # noqa: BLE001
                with lock:
                    state["errors"] += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(a.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    lat = sorted(state["latencies"])

    def pct(p):
        return 1000 * lat[min(len(lat) - 1, int(p * len(lat)))] if lat else 0.0
    print(json.dumps({"clients": a.clients, "per_request": a.per_request, "requests": len(lat),
                      "seconds": round(seconds, 3), "requests_per_s": round(len(lat) / seconds, 1),
                      "sentences_per_s": round(state["sentences"] / seconds, 1),
                      "tokens_per_s": round(state["tokens"] / seconds, 1),
                      "p50_ms": round(pct(0.5), 1), "p90_ms": round(pct(0.9), 1), "p99_ms": round(pct(0.99), 1),
                      "errors": state["errors"]}))


main()
