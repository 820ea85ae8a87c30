"""The module's own promises: attention arrays, int8, load(), train() with the
CLI's parameters and a clean stop, exceptions, bounded memory, docstrings."""
import gc
import threading

import numpy as np
import pytest

import tandem

from conftest import run_cli, write_corpus


def test_attention_rows_sum_to_one(model, sentences):
    res = tandem.Translator(model).translate_batch(sentences[:8], return_attention=True, nbest=2, beam=3)
    assert res[5].attention == [None], "an empty input has nothing to attend to"
    for r in res[:5] + res[6:]:
        assert len(r.attention) == 2
        for a, sp, tp in zip(r.attention, r.source_pieces, r.target_pieces):
            assert a.dtype == np.float32
            assert a.shape == (len(tp) + 1, len(sp) + 1)
            np.testing.assert_allclose(a.sum(axis=1), 1.0, atol=1e-5)


def test_int8_translates_close_to_float32(model, sentences):
    f32 = tandem.Translator(model).translate_batch(sentences)
    int8 = tandem.Translator(model, compute_type="int8")
    assert int8.compute_type == "int8"
    same = sum(a.hypotheses == b.hypotheses for a, b in zip(f32, int8.translate_batch(sentences)))
    assert same >= 0.8 * len(sentences)


def test_load_gives_config_vocabulary_and_parameters(model):
    m = tandem.load(model)
    assert m["config"]["model"]["d_model"] == 64
    assert m["source_vocab"] and m["target_vocab"] == m["source_vocab"]
    emb = m["parameters"]["encoder/embed_tokens/weight"]
    assert emb.dtype == np.float32 and emb.shape[1] == 64
    info = run_cli("info", model).stdout
    assert str(sum(p.size for p in m["parameters"].values())) in info.replace(",", "")


def params(path):
    return tandem.load(path)["parameters"]


def test_train_reaches_the_cli_parameters(corpus, model):
    out = corpus.parent / "py-run"
    seen = []
    results = tandem.train(corpus, overrides={"output": out}, data_root=str(corpus.parent), threads=1,
                           progress=lambda p: seen.append(p["update"]))
    assert seen[-1] == 300 and results["updates"] == 300
    a, b = params(model), params(out / "model.h5")
    assert a.keys() == b.keys()
    for name in a:
        assert np.array_equal(a[name], b[name]), name


def test_train_stops_cleanly_and_resumes(tmp_path):
    recipe = write_corpus(tmp_path, 120)
    common = dict(data_root=str(tmp_path), threads=1)
    ref = tandem.train(recipe, overrides={"output": tmp_path / "ref"}, **common)
    with pytest.raises(KeyboardInterrupt):
        tandem.train(recipe, overrides={"output": tmp_path / "cut"}, progress=lambda p: p["update"] < 37, **common)
    assert (tmp_path / "cut/checkpoints/last.h5").exists()
    assert "checkpoint at update 37" in run_cli("info", tmp_path / "cut/checkpoints/last.h5").stdout

    class Boom(Exception):
        pass

    def explode(p):
        if p["update"] == 80:
            raise Boom("from the callback")

    with pytest.raises(Boom):
        tandem.train(recipe, overrides={"output": tmp_path / "cut"}, progress=explode, resume=True, **common)
    resumed = tandem.train(recipe, overrides={"output": tmp_path / "cut"}, resume=True, **common)
    assert resumed["updates"] == ref["updates"]
    a, b = params(tmp_path / "ref/model.h5"), params(tmp_path / "cut/model.h5")
    for name in a:
        assert np.array_equal(a[name], b[name]), name


def test_errors_are_python_exceptions(model, tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.h5"):
        tandem.Translator(tmp_path / "nope.h5")
    (tmp_path / "text.h5").write_text("not a model")
    with pytest.raises(ValueError, match="not an HDF5 file"):
        tandem.Translator(tmp_path / "text.h5")
    with pytest.raises(ValueError, match="compute"):
        tandem.Translator(model, compute_type="float16")
    t = tandem.Translator(model)
    with pytest.raises(ValueError, match="beam must be between 1 and 1024, got 100000"):
        t.translate_batch(["a"], beam=100000)
    with pytest.raises(ValueError, match="nbest must be between 1 and beam"):
        t.translate_batch(["a"], beam=2, nbest=3)
    with pytest.raises(ValueError, match=">>xx<<"):
        t.translate_batch(["a"], tag=">>xx<<")
    with pytest.raises(ValueError, match="length_penalty must be >= 0"):
        t.score_batch(["a"], ["a"], length_penalty=float("nan"))
    with pytest.raises(ValueError, match="1 sources but 2 targets"):
        t.score_batch(["a"], ["a", "b"])
    with pytest.raises(FileNotFoundError):
        t.translate_file(tmp_path / "missing.txt", tmp_path / "out.txt")
    (tmp_path / "in.txt").write_text("red dog\n")
    before = model.read_bytes()
    for write in (t.translate_file, tandem.Summarizer(model).summarize_file):
        with pytest.raises(ValueError, match="is the input file"):
            write(tmp_path / "in.txt", model)  # the output would replace the model
        with pytest.raises(ValueError, match="is the input file"):
            write(tmp_path / "in.txt", tmp_path / "in.txt")
    assert model.read_bytes() == before and (tmp_path / "in.txt").read_text() == "red dog\n"
    with pytest.raises(ValueError, match="max_len_a must be a finite number"):
        t.translate_batch(["a"], max_len_a=float("inf"))
    with pytest.raises(ValueError, match="length_penalty must be >= 0"):
        t.translate_batch(["a"], length_penalty=float("nan"))
    with pytest.raises(ValueError, match="unknown metric"):
        tandem.score(["a"], ["a"], ["blue"])
    with pytest.raises(ValueError, match="reference 2 has 1 lines"):
        tandem.score([["a", "b"], ["a"]], ["a", "b"])
    with pytest.raises(FileNotFoundError):
        tandem.train(tmp_path / "no-recipe.yaml")
    with pytest.raises(TypeError):
        t.translate_batch("not a list of strings", beam="four")


def rss_kib():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))


def test_a_thousand_calls_do_not_grow_memory(model):
    t = tandem.Translator(model, threads=1)
    for _ in range(50):
        t.translate_batch(["red dog runs", "the big house"])
    gc.collect()
    before = rss_kib()
    for i in range(1000):
        t.translate_batch(["red dog runs", "the big house near river"], return_scores=True, return_attention=i % 2 == 0)
        t.score_batch(["red dog"], ["red dog"])
    gc.collect()
    grown = rss_kib() - before
    assert grown < 8 * 1024, f"RSS grew by {grown} KiB over 1000 calls"


def test_help_explains():
    assert "compute_type" in tandem.Translator.__doc__
    assert "GIL" in tandem.__doc__
    assert "log-probability" in tandem.Translator.score_batch.__doc__
