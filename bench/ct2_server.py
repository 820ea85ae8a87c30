#!/usr/bin/python3
"""bench/ct2_server.py CT2DIR SPM_MODEL PORT [--inter-threads W] [--intra-threads T] [--beam K]
[--length-penalty A]: CTranslate2 served the way its users do it, for
bench/run_serve_bench.sh: a small threaded Python HTTP server whose handler
calls Translator.translate_batch for each request's sentences (batching only
inside one request; concurrent requests run on CTranslate2's inter_threads).
It speaks tandem serve's native shape: POST /v1/translate {"text": [...]} ->
{"translations": [{"text": ...}]}. Listens on 127.0.0.1 only."""
import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import ctranslate2
import sentencepiece as spm

ap = argparse.ArgumentParser()
ap.add_argument("ct2dir")
ap.add_argument("spm_model")
ap.add_argument("port", type=int)
ap.add_argument("--inter-threads", type=int, default=2)
ap.add_argument("--intra-threads", type=int, default=1)
ap.add_argument("--beam", type=int, default=4)
ap.add_argument("--length-penalty", type=float, default=0.6)
a = ap.parse_args()
sp = spm.SentencePieceProcessor(model_file=a.spm_model)
translator = ctranslate2.Translator(a.ct2dir, device="cpu", inter_threads=a.inter_threads, intra_threads=a.intra_threads)
suppress = [[sp.id_to_piece(sp.bos_id())], [sp.id_to_piece(sp.pad_id())]]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        texts = body["text"] if isinstance(body["text"], list) else [body["text"]]
        pieces = [[sp.id_to_piece(i) for i in sp.encode(t)] for t in texts]
        results = translator.translate_batch(pieces, beam_size=a.beam, length_penalty=a.length_penalty,
                                             max_decoding_length=int(1.5 * max(len(p) + 1 for p in pieces)) + 10,
                                             suppress_sequences=suppress)
        out = {"translations": [{"text": sp.decode([sp.piece_to_id(p) for p in r.hypotheses[0]])} for r in results]}
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
print(f"ct2_server: listening on http://127.0.0.1:{a.port}", flush=True)
server.serve_forever()
