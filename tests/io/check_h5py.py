#!/usr/bin/python3
"""A file written by `tandem init` opens in h5py with the documented layout
(DESIGN.md §5). Usage: check_h5py.py TANDEM_BINARY. Exit 77 (skipped) if h5py
is not installed."""
import os
import subprocess
import sys
import tempfile

try:
    import h5py
except ImportError:
    print("h5py not available: skipped")
    sys.exit(77)

tandem = sys.argv[1]
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "m.h5")
    subprocess.run([tandem, "init", "-c", "transformer-small", "--src-vocab", "50",
                    "--tgt-vocab", "50", "-o", path], check=True, capture_output=True)
    with h5py.File(path, "r") as f:
        def text(v):
            return v.decode() if isinstance(v, bytes) else str(v)
        assert text(f.attrs["format"]) == "tandem", f.attrs["format"]
        for key in ("format_version", "created", "tandem_version"):
            assert key in f.attrs, key
        config = text(f["config"][()])
        assert "d_model: 256" in config, config
        assert f["vocab/src"].dtype == "uint8"
        q = f["params/encoder/layers/0/self_attn/q_proj/weight"]
        assert q.shape == (256, 256) and q.dtype == "float32", (q.shape, q.dtype)
        assert f["params/decoder/layers/2/encoder_attn/out_proj/bias"].shape == (256,)
        assert f["params/decoder/layers/2/fc1/weight"].shape == (1024, 256)
        assert f["params/encoder/layer_norm/weight"].shape == (256,)
        # tie_embeddings: all -> both aliases resolve to the encoder table
        shared = f["params/encoder/embed_tokens/weight"][()]
        assert (f["params/decoder/output_projection/weight"][()] == shared).all()
        assert (f["params/decoder/embed_tokens/weight"][()] == shared).all()
        names = []
        f["params"].visit(lambda n: names.append(n))
        print(f"ok: {len(names)} names under /params")
