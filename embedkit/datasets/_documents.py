"""Document data sets: a Wikipedia sample and the Lee news corpus with human ratings.

Re-exported by :mod:`embedkit.datasets`.

Examples
--------
>>> corpus = lee()
>>> corpus.test[0][:3]
['the', 'national', 'executive']
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._common import datapath, file_hash, get_cache_dir


# ----------------------------------------------------------------------------- Wikipedia
def wiki_sample(
    article_min_tokens: int = 50,
    token_min_len: int = 2,
    token_max_len: int = 15,
    cache_dir: str | os.PathLike[str] | None = None,
) -> list[list[str]]:
    """Token lists of 106 real English Wikipedia articles (about 450,000 tokens).

    Source: the shortened ``enwiki-latest-pages-articles1`` dump in gensim's test data,
    tokenised by gensim's ``WikiCorpus`` (lowercase, markup removed); Wikipedia text is
    licensed CC BY-SA 4.0. Parsing takes a few seconds, so the result is cached as JSON
    under the cache directory, keyed by the dump's SHA-256 and the parameters.
    """
    src = datapath("enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2")
    params = (article_min_tokens, token_min_len, token_max_len)
    key = file_hash(src)[:16] + "-" + "-".join(map(str, params))
    path = get_cache_dir(cache_dir) / f"wiki-{key}.json"
    if path.is_file():
        try:
            with open(path, encoding="utf-8") as fh:
                docs = json.load(fh)
            if isinstance(docs, list) and all(isinstance(d, list) for d in docs):
                return docs
        except (OSError, ValueError):
            pass  # a corrupt cache is rebuilt below
    from gensim.corpora.wikicorpus import WikiCorpus

    corpus = WikiCorpus(
        src,
        dictionary={},
        processes=1,
        article_min_tokens=article_min_tokens,
        token_min_len=token_min_len,
        token_max_len=token_max_len,
    )
    docs = [list(doc) for doc in corpus.get_texts()]
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(docs, fh)
    os.replace(tmp, path)
    return docs


# ----------------------------------------------------------------------------- Lee corpus
@dataclass(frozen=True)
class LeeCorpus:
    """The Lee news corpus (Lee, Pincombe and Welsh 2005) with human similarity ratings.

    Attributes
    ----------
    background : list of token lists
        300 Australian news articles, for training.
    test_text, test : list of str, list of token lists
        50 further articles (raw text and tokens) that the humans rated.
    similarity : ndarray, shape (50, 50)
        Mean human similarity (0-1) of every pair of test documents, symmetric,
        ones on the diagonal.
    """

    background: list[list[str]]
    test_text: list[str]
    test: list[list[str]]
    similarity: np.ndarray = field(repr=False)

    def __repr__(self) -> str:
        return (
            f"LeeCorpus(background={len(self.background)} docs, test={len(self.test)} docs, "
            f"similarity={self.similarity.shape[0]}×{self.similarity.shape[1]})"
        )


def _read_docs(path: str) -> list[str]:
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # lee.cor is ISO-8859-1 (a pound sign)
    return [line for line in text.splitlines() if line.strip()]


def lee() -> LeeCorpus:
    """The Lee corpus: 300 background docs, 50 test docs and their 50×50 human similarities.

    Source: gensim's test data (``lee_background.cor``, ``lee.cor``,
    ``similarities0-1.txt``), from Lee, Pincombe and Welsh (2005), distributed with gensim
    for research use. Tokens come from ``gensim.utils.simple_preprocess``. The
    similarity file holds the upper triangle (zeros below the diagonal); it is mirrored.

    >>> corpus = lee()
    >>> len(corpus.background), len(corpus.test), corpus.similarity.shape
    (300, 50, (50, 50))
    """
    from gensim.utils import simple_preprocess

    background = [simple_preprocess(d) for d in _read_docs(datapath("lee_background.cor"))]
    test_text = _read_docs(datapath("lee.cor"))
    upper = np.loadtxt(datapath("similarities0-1.txt"), dtype=np.float64)
    if upper.shape != (len(test_text), len(test_text)) or np.tril(upper, -1).any():
        raise ValueError(f"similarities0-1.txt: expected a {len(test_text)}² upper triangle")
    sim = np.triu(upper) + np.triu(upper, 1).T
    sim.flags.writeable = False
    return LeeCorpus(background, test_text, [simple_preprocess(d) for d in test_text], sim)
