"""The Python module gives the command line's output, byte for byte, on the
same inputs: translate (1-best and n-best), summarize, score, score-pairs."""
import tandem

from conftest import run_cli


def test_translate_batch_equals_cli(model, sentences, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("\n".join(sentences) + "\n")
    cli = run_cli("translate", "-m", model, "-i", src).stdout
    results = tandem.Translator(model).translate_batch(sentences)
    assert "".join(r.hypotheses[0] + "\n" for r in results) == cli
    assert results[5].hypotheses == [""]


def test_translate_file_equals_cli_nbest(model, sentences, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("\n".join(sentences) + "\n")
    cli = run_cli("translate", "-m", model, "-i", src, "--beam", "4", "--nbest", "3").stdout
    out = tmp_path / "out.txt"
    tandem.Translator(model).translate_file(src, out, beam=4, nbest=3)
    assert out.read_text() == cli
    # n-best scores and texts from translate_batch are the same numbers.
    res = tandem.Translator(model).translate_batch(sentences[:3], beam=4, nbest=3, return_scores=True)
    first = [line.split(" ||| ") for line in cli.splitlines() if line.startswith("0 ||| ")]
    assert [f[1] for f in first] == res[0].hypotheses
    assert [float(f[2]) for f in first] == [float(f"{s:g}") for s in res[0].scores]


def test_translate_iterable_streams_in_order(model, sentences):
    t = tandem.Translator(model)
    whole = [r.hypotheses for r in t.translate_batch(sentences)]

    pulled = []

    def source():
        for s in sentences:
            pulled.append(s)
            yield s

    gen = t.translate_iterable(source(), window=7)
    first = next(gen)
    assert len(pulled) == 7, "only the first window was read before the first result"
    streamed = [first.hypotheses] + [r.hypotheses for r in gen]
    assert streamed == whole


def test_summarize_equals_cli(model, sentences, tmp_path):
    docs = [" ".join(sentences[i:i + 4]) for i in range(0, 40, 4)]
    docs.append(" . ".join(sentences) + " .")  # longer than the model's 64 positions: split
    src = tmp_path / "docs.txt"
    src.write_text("\n".join(docs) + "\n")
    cli = run_cli("summarize", "-m", model, "-i", src)
    s = tandem.Summarizer(model)
    assert "".join(x + "\n" for x in s.summarize_batch(docs)) == cli.stdout
    assert s.notes and "exceed" in " ".join(s.notes), "the split is reported, as on the CLI's stderr"
    out = tmp_path / "sum.txt"
    s.summarize_file(src, out)
    assert out.read_text() == cli.stdout


def test_score_equals_cli(sentences, tmp_path):
    hyps = [s.replace("dog", "cat") for s in sentences]
    ref1 = sentences
    ref2 = [s.replace("red", "blue") if i % 3 else "" for i, s in enumerate(sentences)]
    for name, lines in (("h", hyps), ("r1", ref1), ("r2", ref2)):
        (tmp_path / name).write_text("\n".join(lines) + "\n")
    metrics = ["bleu", "chrf", "chrf++", "ter", "rouge"]
    for refs, args in (([ref1], ["-r", tmp_path / "r1"]), ([ref1, ref2], ["-r", tmp_path / "r1", "-r", tmp_path / "r2"])):
        cli = run_cli("score", *args, "-i", tmp_path / "h", "-m", ",".join(metrics)).stdout
        got = tandem.score(refs, hyps, metrics)
        assert "".join(str(s) + "\n" for s in got) == cli
    # One list of strings is one reference.
    assert str(tandem.score(ref1, hyps)[0]) == str(tandem.score([ref1], hyps)[0])


def test_score_pairs_equals_cli(model, sentences, tmp_path):
    src = [s for s in sentences if s]
    tgt = [r.hypotheses[0] for r in tandem.Translator(model).translate_batch(src)]
    tgt[1] = "a sentence the model would not write"
    (tmp_path / "s").write_text("\n".join(src) + "\n")
    (tmp_path / "t").write_text("\n".join(tgt) + "\n")
    scores = tandem.Translator(model).score_batch(src, tgt, per_token=True)
    for flags, per_token, normalize in (([], False, False), (["--per-token"], True, False), (["--normalize"], False, True)):
        cli = run_cli("score-pairs", "-m", model, "-s", tmp_path / "s", "-t", tmp_path / "t", *flags).stdout
        assert "".join(tandem.Translator.format_score(s, per_token, normalize) + "\n" for s in scores) == cli
    # The beam's own score, given back (greedy-trained copy task: re-encodes exactly).
    res = tandem.Translator(model).translate_batch(src[:10], return_scores=True, beam=4)
    given = tandem.Translator(model).score_batch(src[:10], [r.hypotheses[0] for r in res], length_penalty=0.6)
    for r, g in zip(res, given):
        assert abs(r.scores[0] - g.score) < 1e-4 * max(1.0, abs(g.score))
