from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

__version__: str

class PairScore:
    log_prob: float
    score: float
    tokens: int
    token_log_probs: List[float]

class Score:
    name: str
    score: float
    signature: str
    details: str

class TranslationResult:
    hypotheses: List[str]
    scores: Optional[List[float]]
    attention: Optional[List[Optional[npt.NDArray[np.float32]]]]
    source_pieces: Optional[List[List[str]]]
    target_pieces: Optional[List[List[str]]]
    alignments: Optional[List[str]]

class Translator:
    def __init__(self, path: str, compute_type: Optional[str] = ..., threads: int = ..., workers: int = ...) -> None: ...
    @property
    def compute_type(self) -> str: ...
    @property
    def language_tags(self) -> List[str]: ...
    def translate_batch(self, sources: Sequence[str], beam: Optional[int] = ..., nbest: int = ...,
                        length_penalty: Optional[float] = ..., tag: Optional[str] = ...,
                        return_scores: bool = ..., return_attention: bool = ...,
                        max_len_a: Optional[float] = ..., max_len_b: Optional[int] = ...,
                        batch_tokens: Optional[int] = ..., batch_size: Optional[int] = ...) -> List[TranslationResult]: ...
    def translate_iterable(self, iterable: Iterable[str], window: int = ..., **options: object) -> Iterator[TranslationResult]: ...
    def translate_file(self, input: str, output: str, beam: Optional[int] = ..., nbest: int = ...,
                       length_penalty: Optional[float] = ..., tag: Optional[str] = ...,
                       max_len_a: Optional[float] = ..., max_len_b: Optional[int] = ...,
                       batch_tokens: Optional[int] = ...) -> None: ...
    def score_batch(self, sources: Sequence[str], targets: Sequence[str], per_token: bool = ...,
                    tag: Optional[str] = ..., length_penalty: Optional[float] = ...) -> List[PairScore]: ...
    @staticmethod
    def format_score(score: PairScore, per_token: bool = ..., normalize: bool = ...) -> str: ...

class Summarizer:
    notes: List[str]
    def __init__(self, path: str, compute_type: Optional[str] = ..., threads: int = ..., workers: int = ...) -> None: ...
    def summarize_batch(self, documents: Sequence[str], beam: Optional[int] = ...,
                        length_penalty: Optional[float] = ..., max_len_a: Optional[float] = ...,
                        max_len_b: Optional[int] = ..., batch_tokens: Optional[int] = ...) -> List[str]: ...
    def summarize_file(self, input: str, output: str, beam: Optional[int] = ...,
                       length_penalty: Optional[float] = ..., max_len_a: Optional[float] = ...,
                       max_len_b: Optional[int] = ..., batch_tokens: Optional[int] = ...) -> None: ...

def score(refs: Union[Sequence[str], Sequence[Sequence[str]]], hyps: Sequence[str],
          metrics: Sequence[str] = ..., lowercase: bool = ...) -> List[Score]: ...
def load(path: str) -> Dict[str, object]: ...
def train(recipe: str, overrides: Optional[Dict[str, object]] = ...,
          progress: Optional[Callable[[dict], Optional[bool]]] = ..., resume: bool = ...,
          overwrite: bool = ..., data_root: Optional[str] = ..., threads: int = ...) -> Dict[str, float]: ...
