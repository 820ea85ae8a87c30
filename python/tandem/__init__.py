"""tandem: sequence-to-sequence transformers (translate, summarize, score, train).

The same engine as the `tandem` command, in-process::

    import tandem
    translator = tandem.Translator("model.h5", compute_type="int8")
    for result in translator.translate_batch(["A dog runs."], beam=4, return_scores=True):
        print(result.hypotheses[0], result.scores[0])

Decoding, scoring and training release the GIL: Python threads that call
them run at the same time. Errors raise FileNotFoundError (a missing file),
ValueError (a bad option, input or file content) or RuntimeError, with the
command line's messages. Importing tandem sets the process's malloc to keep
freed memory for reuse (mallopt), as the `tandem` command does: decoding and
training reallocate the same large buffers at every step.
"""
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Union

from . import _tandem

__version__ = _tandem.__version__
__all__ = ["Translator", "Summarizer", "TranslationResult", "PairScore", "Score", "score", "load", "train",
           "__version__"]

PairScore = _tandem.PairScore
Score = _tandem.Score


def _opt(value, unset):
    return unset if value is None else value


class TranslationResult:
    """One input's n-best list, best first.

    hypotheses: the texts. scores: their length-normalized log-probabilities
    (return_scores=True). attention: per hypothesis a float32 array
    [target pieces + EOS, source pieces + EOS] whose rows sum to 1 (the last
    decoder layer's cross-attention, mean over heads; return_attention=True,
    None for an input translated in pieces). source_pieces / target_pieces
    name the array's rows and columns (EOS excluded).
    """

    __slots__ = ("hypotheses", "scores", "attention", "source_pieces", "target_pieces", "alignments")

    def __init__(self, nbest, return_scores: bool, return_attention: bool):
        self.hypotheses: List[str] = [h.text for h in nbest]
        self.scores: Optional[List[float]] = [h.score for h in nbest] if return_scores else None
        self.attention = [h.attention for h in nbest] if return_attention else None
        self.source_pieces = [h.source_pieces for h in nbest] if return_attention else None
        self.target_pieces = [h.target_pieces for h in nbest] if return_attention else None
        self.alignments = [h.alignment for h in nbest] if return_attention else None

    def __repr__(self) -> str:
        return f"TranslationResult(hypotheses={self.hypotheses!r}, scores={self.scores!r})"


class Translator:
    """A translation model loaded from a tandem model file (HDF5).

    compute_type: "float32", "int8" or "bfloat16" (default: what the file
    stores). threads: threads per call (0 = all cores). workers: batches
    decoded at once within a call (0 = one per thread; 1 = one batch on all
    threads, the lowest latency).
    """

    def __init__(self, path: str, compute_type: Optional[str] = None, threads: int = 0, workers: int = 0):
        self._t = _tandem.Translator(str(path), compute_type or "", threads, workers)

    @property
    def compute_type(self) -> str:
        """The number format the weights are multiplied in."""
        return self._t.compute_type

    @property
    def language_tags(self) -> List[str]:
        """The target-language tags (">>xx<<") a multilingual model knows."""
        return self._t.language_tags

    def translate_batch(self, sources: Sequence[str], beam: Optional[int] = None, nbest: int = 1,
                        length_penalty: Optional[float] = None, tag: Optional[str] = None,
                        return_scores: bool = False, return_attention: bool = False,
                        max_len_a: Optional[float] = None, max_len_b: Optional[int] = None,
                        batch_tokens: Optional[int] = None, batch_size: Optional[int] = None) -> List[TranslationResult]:
        """Translates a list of sentences; one TranslationResult per source, in order.

        Unset options take the model file's decode settings (its recipe), then
        tandem's defaults (beam 4, length_penalty 0.6). tag: a multilingual
        model's target language, put before each source (e.g. ">>de<<").
        Sentences are sorted by length and cut into batches of at most
        batch_tokens padded source tokens (and batch_size sentences).
        """
        nbest_lists = self._t.translate_batch(list(sources), _opt(beam, 0), nbest, _opt(length_penalty, -1.0),
                                              _opt(max_len_a, -1.0), _opt(max_len_b, -1), _opt(batch_tokens, 0),
                                              tag or "", return_attention, _opt(batch_size, 0))
        return [TranslationResult(n, return_scores, return_attention) for n in nbest_lists]

    def translate_iterable(self, iterable: Iterable[str], window: int = 4096, **options) -> Iterator[TranslationResult]:
        """A generator over any iterable of sentences: results in input order,
        decoded `window` sentences at a time, so memory stays bounded whatever
        the input's length. Options as translate_batch."""
        if window < 1:
            raise ValueError(f"window must be at least 1, got {window}")
        chunk: List[str] = []
        for line in iterable:
            chunk.append(line)
            if len(chunk) == window:
                yield from self.translate_batch(chunk, **options)
                chunk = []
        if chunk:
            yield from self.translate_batch(chunk, **options)

    def translate_file(self, input: str, output: str, beam: Optional[int] = None, nbest: int = 1,
                       length_penalty: Optional[float] = None, tag: Optional[str] = None,
                       max_len_a: Optional[float] = None, max_len_b: Optional[int] = None,
                       batch_tokens: Optional[int] = None) -> None:
        """`tandem translate -i input -o output`: the same bytes (with nbest > 1 the
        `index ||| text ||| score` lines). The output appears only once complete."""
        self._t.translate_file(str(input), str(output), _opt(beam, 0), nbest, _opt(length_penalty, -1.0),
                               _opt(max_len_a, -1.0), _opt(max_len_b, -1), _opt(batch_tokens, 0), tag or "")

    def score_batch(self, sources: Sequence[str], targets: Sequence[str], per_token: bool = False,
                    tag: Optional[str] = None, length_penalty: Optional[float] = None) -> List[PairScore]:
        """The model's log-probability of each given translation (`tandem score-pairs`).

        Each PairScore has log_prob (natural log, summed over the target's
        tokens and EOS), score (log_prob / ((5+tokens)/6)^length_penalty: what
        beam search ranks by), tokens, and token_log_probs (per_token=True).
        """
        return self._t.score_batch(list(sources), list(targets), per_token, tag or "", _opt(length_penalty, -1.0))

    @staticmethod
    def format_score(score: PairScore, per_token: bool = False, normalize: bool = False) -> str:
        """A PairScore as the line `tandem score-pairs` prints for it."""
        return _tandem.Translator.format_score(score, per_token, normalize)


class Summarizer:
    """A summarization model: documents of any length (longer ones are split at
    sentence boundaries, summarized, and summarized again). Options as Translator."""

    def __init__(self, path: str, compute_type: Optional[str] = None, threads: int = 0, workers: int = 0):
        self._s = _tandem.Summarizer(str(path), compute_type or "", threads, workers)
        self.notes: List[str] = []  # what the last call reported (documents split)

    def summarize_batch(self, documents: Sequence[str], beam: Optional[int] = None,
                        length_penalty: Optional[float] = None, max_len_a: Optional[float] = None,
                        max_len_b: Optional[int] = None, batch_tokens: Optional[int] = None) -> List[str]:
        """One summary per document, in order."""
        out, self.notes = self._s.summarize_batch(list(documents), _opt(beam, 0), _opt(length_penalty, -1.0),
                                                  _opt(max_len_a, -1.0), _opt(max_len_b, -1), _opt(batch_tokens, 0))
        return out

    def summarize_file(self, input: str, output: str, beam: Optional[int] = None,
                       length_penalty: Optional[float] = None, max_len_a: Optional[float] = None,
                       max_len_b: Optional[int] = None, batch_tokens: Optional[int] = None) -> None:
        """`tandem summarize -i input -o output`: the same bytes."""
        self._s.summarize_file(str(input), str(output), _opt(beam, 0), _opt(length_penalty, -1.0),
                               _opt(max_len_a, -1.0), _opt(max_len_b, -1), _opt(batch_tokens, 0))


def score(refs: Union[Sequence[str], Sequence[Sequence[str]]], hyps: Sequence[str],
          metrics: Sequence[str] = ("bleu", "chrf"), lowercase: bool = False) -> List[Score]:
    """Corpus scores, the numbers `tandem score` prints (sacreBLEU 2.x BLEU, chrF,
    chrF++, TER; ROUGE-1/2/L). refs: one list of references, or several
    (refs[k][i] = reference k of hypothesis i, sacreBLEU's layout; an empty
    string = no reference k for that line). str(score) is the CLI's line."""
    refs = list(refs)
    if refs and isinstance(refs[0], str):
        refs = [refs]
    return _tandem.score([list(r) for r in refs], list(hyps), list(metrics), lowercase)


def load(path: str) -> Dict[str, object]:
    """What a model file holds: "config" (the /config document as a dict, and
    "config_yaml" as text), "source_vocab" / "target_vocab" (SentencePiece
    model bytes), "compute_type", "created", "tandem_version", and
    "parameters": {name: numpy float32 array} (int8 files dequantized)."""
    return _tandem.load(str(path))


def train(recipe: str, overrides: Optional[Dict[str, object]] = None,
          progress: Optional[Callable[[dict], Optional[bool]]] = None, resume: bool = False,
          overwrite: bool = False, data_root: Optional[str] = None, threads: int = 0) -> Dict[str, float]:
    """`tandem train RECIPE`: the same trainer, run folder and results.

    overrides: recipe keys to set, e.g. {"train.max_updates": 100} (as --set).
    progress(info) is called after each update with update, epoch, loss,
    target_tokens and elapsed_seconds; returning False stops training.
    Stopping (False, Ctrl-C, an exception in progress) writes the resume
    checkpoint first; call again with resume=True to continue. Returns the
    test results, e.g. {"test_bleu": 36.1, ...}.
    """
    sets = [f"{k}={v}" for k, v in (overrides or {}).items()]
    return _tandem.train(str(recipe), sets, data_root or "", resume, overwrite, threads, progress)
