"""Corpus checks shared by the word and document trainers, a tokenizer, and a memory estimate.

gensim accepts some corpora that silently train on nothing or on the wrong thing: a list
of plain strings trains on characters, a one-shot generator is empty after the vocabulary
pass, documents longer than 10,000 tokens are truncated. :func:`check_corpus` turns each
of those into a clear error or a warning, and returns a plain ``list[list[str]]``.

Examples
--------
>>> tokenize("The cat sat on the mat.")
['the', 'cat', 'sat', 'on', 'the', 'mat']
>>> check_corpus([["a", "b"], ["c"]])
[['a', 'b'], ['c']]
>>> check_corpus(["not tokenized"])
Traceback (most recent call last):
...
TypeError: corpus[0] is a str ('not tokenized'), not a list of tokens; ...
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, overload

from ..errors import CorpusWarning, MemoryWarning, warn

MAX_DOCUMENT_TOKENS = 10_000
"""gensim's limit: its trainers silently drop the tokens of a document after this many."""

_TOKEN = re.compile(r"\w+(?:['’-]\w+)*")


# ----------------------------------------------------------------------------- tokenize
@overload
def tokenize(text: str, lowercase: bool = ..., min_len: int = ...) -> list[str]: ...  # type: ignore[overload-overlap]
@overload
def tokenize(text: Iterable[str], lowercase: bool = ..., min_len: int = ...) -> list[list[str]]: ...
def tokenize(
    text: str | Iterable[str], lowercase: bool = True, min_len: int = 1
) -> list[str] | list[list[str]]:
    """Split text into word tokens: one string -> a token list; several -> a list of them.

    Words are runs of letters and digits, keeping inner apostrophes and hyphens
    ("don't", "state-of-the-art"); punctuation is dropped.

    Parameters
    ----------
    text : str or iterable of str
        One document, or many.
    lowercase : bool
        Lowercase the tokens (default True).
    min_len : int
        Drop tokens shorter than this many characters.

    Examples
    --------
    >>> tokenize(["Hello, World!", "Don't panic."])
    [['hello', 'world'], ["don't", 'panic']]
    >>> tokenize("A b", min_len=2)
    []
    """
    if isinstance(text, str):
        return _tokenize_one(text, lowercase, min_len)
    if isinstance(text, bytes):
        raise TypeError("tokenize() got bytes; decode them first, e.g. data.decode('utf-8')")
    out = []
    for i, doc in enumerate(text):
        if not isinstance(doc, str):
            raise TypeError(f"tokenize(): item {i} is {type(doc).__name__}, expected str")
        out.append(_tokenize_one(doc, lowercase, min_len))
    return out


def _tokenize_one(text: str, lowercase: bool, min_len: int) -> list[str]:
    if lowercase:
        text = text.lower()
    return [t for t in _TOKEN.findall(text) if len(t) >= min_len]


# ----------------------------------------------------------------------------- checks
def _is_one_shot(corpus: Any) -> bool:
    try:
        return iter(corpus) is corpus
    except TypeError:
        return False


def _check_document(doc: Any, i: int, name: str) -> list[str]:
    if isinstance(doc, str):
        shown = doc if len(doc) <= 40 else doc[:37] + "..."
        raise TypeError(
            f"{name}[{i}] is a str ({shown!r}), not a list of tokens; tokenize the texts "
            "first, e.g. corpus = ek.tokenize(texts)"
        )
    if isinstance(doc, bytes) or not isinstance(doc, Iterable):
        raise TypeError(
            f"{name}[{i}] is {type(doc).__name__}; each document must be a list of str tokens"
        )
    tokens = doc if isinstance(doc, list) else list(doc)
    for j, tok in enumerate(tokens):
        if not isinstance(tok, str):
            raise TypeError(
                f"{name}[{i}][{j}] is {type(tok).__name__} ({tok!r}); tokens must be str"
            )
    return tokens


def check_corpus(
    corpus: Iterable[Sequence[str]],
    name: str = "corpus",
    *,
    max_len: int = MAX_DOCUMENT_TOKENS,
    one_shot: str = "warn",
) -> list[list[str]]:
    """Validate a tokenised corpus and return it as ``list[list[str]]``.

    Parameters
    ----------
    corpus : iterable of token lists
        Documents as lists of str tokens. Re-iterable (list, or an object whose
        ``__iter__`` starts over) is best.
    name : str
        How the corpus is called in messages.
    max_len : int
        Documents longer than this are split into pieces of at most ``max_len`` tokens,
        with a :class:`CorpusWarning` (gensim would silently truncate them).
    one_shot : {"warn", "error"}
        What to do with a one-shot iterator (a generator, ``map``, an open file):
        materialise it with a :class:`CorpusWarning` (default), or raise ``TypeError``.

    Raises
    ------
    TypeError
        A plain string instead of a corpus, a document that is a string (tokenize first),
        a token that is not a string, or a one-shot iterator with ``one_shot="error"``.
    ValueError
        An empty corpus (no documents, or no tokens at all).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     docs = check_corpus((d for d in [["a", "b"]]))
    >>> docs, "one-shot" in str(w[0].message)
    ([['a', 'b']], True)
    """
    if corpus is None:
        raise TypeError(f"{name} is None; pass a list of token lists")
    if isinstance(corpus, str | bytes):
        raise TypeError(
            f"{name} is a single {type(corpus).__name__}, not a list of token lists; split it "
            "into documents and tokenize them, e.g. corpus = ek.tokenize(texts)"
        )
    if not isinstance(corpus, Iterable):
        raise TypeError(f"{name} is {type(corpus).__name__}; expected a list of token lists")
    if one_shot not in ("warn", "error"):
        raise ValueError(f"one_shot must be 'warn' or 'error', not {one_shot!r}")
    if _is_one_shot(corpus):
        what = type(corpus).__name__
        if one_shot == "error":
            raise TypeError(
                f"{name} is a one-shot iterator ({what}): training reads the corpus several "
                "times (once for the vocabulary, once per epoch) and a generator is empty "
                "after the first pass. Pass a list, e.g. list(corpus), or an object whose "
                "__iter__ starts over."
            )
        warn(
            f"{name} is a one-shot iterator ({what}); it was read into memory because "
            "training needs several passes. Pass a list or a re-iterable object to avoid this.",
            CorpusWarning,
        )
    docs = [_check_document(doc, i, name) for i, doc in enumerate(corpus)]
    n_tokens = sum(len(d) for d in docs)
    if not docs or n_tokens == 0:
        raise ValueError(
            f"{name} is empty: {len(docs)} documents, {n_tokens} tokens; there is nothing to "
            "train on"
        )
    return split_long_documents(docs, max_len, name=name)


@overload
def split_long_documents(
    docs: list[list[str]],
    max_len: int = ...,
    *,
    name: str = ...,
    return_index: Literal[False] = False,
) -> list[list[str]]: ...
@overload
def split_long_documents(
    docs: list[list[str]], max_len: int = ..., *, name: str = ..., return_index: Literal[True]
) -> tuple[list[list[str]], list[int]]: ...
def split_long_documents(
    docs: list[list[str]],
    max_len: int = MAX_DOCUMENT_TOKENS,
    *,
    name: str = "corpus",
    return_index: bool = False,
) -> list[list[str]] | tuple[list[list[str]], list[int]]:
    """Split documents longer than ``max_len`` tokens into consecutive pieces, with a warning.

    With ``return_index=True`` also returns, for every output piece, the index of the
    document it came from (Doc2Vec gives all pieces of a document the same tag).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     split_long_documents([["a"] * 5, ["b"]], max_len=2, return_index=True)
    ([['a', 'a'], ['a', 'a'], ['a'], ['b']], [0, 0, 0, 1])
    """
    if max_len < 1:
        raise ValueError(f"max_len must be at least 1, got {max_len}")
    long = [i for i, d in enumerate(docs) if len(d) > max_len]
    if not long:
        return (docs, list(range(len(docs)))) if return_index else docs
    out: list[list[str]] = []
    origin: list[int] = []
    for i, doc in enumerate(docs):
        for start in range(0, max(len(doc), 1), max_len):
            out.append(doc[start : start + max_len])
            origin.append(i)
    longest = max(len(docs[i]) for i in long)
    warn(
        f"{len(long)} document(s) of {name} are longer than {max_len:,} tokens (longest "
        f"{longest:,}, {name}[{long[0]}]); they were split into pieces of at most {max_len:,} "
        "tokens (gensim would silently drop everything after token 10,000)",
        CorpusWarning,
    )
    return (out, origin) if return_index else out


def count_words(docs: Iterable[Sequence[str]]) -> Counter[str]:
    """Word frequencies of a tokenised corpus.

    >>> count_words([["a", "b"], ["a"]]).most_common(1)
    [('a', 2)]
    """
    counts: Counter[str] = Counter()
    for doc in docs:
        counts.update(doc)
    return counts


def check_vocabulary(counts: Counter[str], min_count: int, name: str = "corpus") -> int:
    """Number of words with at least ``min_count`` occurrences; an error with numbers if none.

    >>> check_vocabulary(Counter({"a": 3, "b": 1}), min_count=2)
    1
    >>> check_vocabulary(Counter({"a": 3, "b": 1}), min_count=5)
    Traceback (most recent call last):
    ...
    ValueError: min_count=5 leaves no vocabulary: corpus has 4 tokens and 2 distinct words, ...
    """
    kept = sum(1 for c in counts.values() if c >= min_count)
    if kept:
        return kept
    total = sum(counts.values())
    if not counts:
        raise ValueError(f"{name} has no tokens; there is nothing to train on")
    word, top = counts.most_common(1)[0]
    raise ValueError(
        f"min_count={min_count} leaves no vocabulary: {name} has {total:,} tokens and "
        f"{len(counts):,} distinct words, and the most frequent ({word!r}) occurs {top:,} "
        f"times; use min_count <= {top} or a larger corpus"
    )


# ----------------------------------------------------------------------------- memory
def available_memory() -> int | None:
    """Bytes of memory available to this process (MemAvailable, capped by a cgroup limit)."""
    avail: int | None = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except OSError:
        try:
            avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            return None
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as fh:
            limit = fh.read().strip()
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as fh:
            current = int(fh.read().strip())
        if limit != "max":
            room = int(limit) - current
            avail = room if avail is None else min(avail, room)
    except (OSError, ValueError):
        pass
    return avail


def _fmt_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} GB"  # pragma: no cover


@dataclass(frozen=True)
class MemoryEstimate:
    """Estimated memory for a training run, by part, and what the machine has free.

    >>> est = MemoryEstimate({"vectors": 2 * 1024**2}, available=None)
    >>> est.total, str(est)
    (2097152, 'estimated memory 2.0 MB (vectors 2.0 MB)')
    """

    parts: dict[str, int]
    available: int | None = field(default=None)

    @property
    def total(self) -> int:
        """Sum of all parts in bytes."""
        return int(sum(self.parts.values()))

    @property
    def too_large(self) -> bool:
        """True when the estimate exceeds the available memory."""
        return self.available is not None and self.total > self.available

    def __str__(self) -> str:
        parts = ", ".join(f"{k} {_fmt_bytes(v)}" for k, v in self.parts.items() if v)
        free = "" if self.available is None else f"; available {_fmt_bytes(self.available)}"
        return f"estimated memory {_fmt_bytes(self.total)} ({parts}){free}"

    def warn_if_too_large(self, what: str = "training") -> bool:
        """Warn (:class:`MemoryWarning`) when the estimate exceeds available memory."""
        if not self.too_large:
            return False
        warn(
            f"{what} may run out of memory: {self}. Raise min_count, lower vector_size "
            "(or bucket for FastText), or train on a smaller corpus.",
            MemoryWarning,
        )
        return True


def estimate_memory(
    n_words: int,
    vector_size: int,
    *,
    kind: str = "word2vec",
    n_tokens: int = 0,
    n_docs: int = 0,
    bucket: int = 0,
    window: int = 5,
    hs: bool = False,
    available: int | str | None = "auto",
) -> MemoryEstimate:
    """Estimate the memory of a training run (as gensim's ``estimate_memory`` does, plus more).

    Parameters
    ----------
    n_words : int
        Vocabulary size after ``min_count``.
    vector_size : int
        Dimensions.
    kind : {"word2vec", "fasttext", "doc2vec", "glove"}
        The model family.
    n_tokens : int
        Tokens in the corpus held in memory (about 60 bytes each as Python lists of str,
        interned words shared).
    n_docs : int
        Documents (Doc2Vec stores one vector per document tag).
    bucket : int
        FastText n-gram buckets (each holds a vector, plus the training copy).
    window : int
        Context window (GloVe: bounds the co-occurrence pairs kept).
    hs : bool
        Hierarchical softmax (one more output matrix, gensim's ``syn1``).
    available : int, None or "auto"
        Free memory in bytes to compare with; "auto" reads it from the system.

    Examples
    --------
    >>> est = estimate_memory(10_000, 100, available=None)
    >>> est.parts["vectors"], est.parts["output weights"]
    (4000000, 4000000)
    """
    f4 = 4
    parts: dict[str, int] = {
        "vocabulary": n_words * 500,  # gensim's own per-word figure (dict entries, counts)
        "corpus": n_tokens * 60,
        "vectors": n_words * vector_size * f4,
    }
    if kind in ("word2vec", "fasttext", "doc2vec"):
        parts["output weights"] = n_words * vector_size * f4 * (2 if hs else 1)
    if kind == "fasttext":
        parts["n-gram buckets"] = bucket * vector_size * f4 * 2  # vectors_ngrams + lockf/grad
        parts["vectors"] += n_words * vector_size * f4  # vectors_vocab besides vectors
    if kind == "doc2vec":
        parts["document vectors"] = n_docs * vector_size * f4
    if kind == "glove":
        # pairs kept: bounded by both the vocabulary square and 2 * window per token
        pairs = min(n_words * n_words, 2 * window * max(n_tokens, 1))
        parts["co-occurrences"] = pairs * (4 + 4 + 4) * 3  # coo arrays, sort, dedup copies
        parts["vectors"] = n_words * (vector_size + 1) * f4 * 2 * 2  # W, W~, b, b~ + AdaGrad
        parts["output weights"] = 0
    if kind not in ("word2vec", "fasttext", "doc2vec", "glove"):
        raise ValueError(f"unknown kind {kind!r}: word2vec, fasttext, doc2vec or glove")
    avail = available_memory() if available == "auto" else available
    return MemoryEstimate(parts, avail if isinstance(avail, int) else None)
