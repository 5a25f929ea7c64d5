"""Word trainers (real gensim, real torch): results, events, stop, determinism, input checks."""

from __future__ import annotations

import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest

import embedkit as ek
from embedkit.train import ListObserver, TqdmObserver
from embedkit.train.corpus import (
    CorpusWarning,
    MemoryWarning,
    check_corpus,
    estimate_memory,
    split_long_documents,
    tokenize,
)
from embedkit.train.glove import cooccurrence_matrix
from embedkit.train.probes import AnalogyProbe, WordPairsProbe, make_probes
from embedkit.train.words import FastText, GloVe, Word2Vec

SMALL = {"vector_size": 16, "min_count": 2, "epochs": 3, "deterministic": True}


@pytest.fixture(scope="module")
def lee() -> list[list[str]]:
    """The Lee background corpus: 300 real news articles, about 58,000 tokens."""
    return ek.datasets.lee().background


@pytest.fixture(scope="module")
def w2v(lee):
    return Word2Vec(sg=1, **SMALL).fit(lee)


# ----------------------------------------------------------------------------- Word2Vec
def test_word2vec_results(w2v, lee):
    emb = w2v.embeddings_
    assert isinstance(emb, ek.Embeddings) and emb.dim == 16
    counts = ek.train.corpus.count_words(lee)
    meta = emb.metadata
    assert meta is not None
    assert meta["count"].tolist() == [counts[w] for w in emb.labels]
    assert meta["count"].is_monotonic_decreasing and meta["count"].min() >= 2
    hist = w2v.history_
    assert hist.columns.tolist() == ["epoch", "loss", "words_per_sec", "elapsed", "mean_cosine"]
    assert hist["epoch"].tolist() == [1, 2, 3]
    assert (hist["loss"] > 0).all() and (hist["words_per_sec"] > 0).all()
    assert hist["elapsed"].is_monotonic_increasing
    assert w2v.model_.epochs == 3 and w2v.model_.alpha == 0.025
    assert w2v.vector("the").shape == (16,)
    with pytest.raises(KeyError, match="thee"):
        w2v.vector("thee")


def test_per_epoch_loss_is_the_epochs_own_and_training_equals_one_gensim_call(w2v, lee):
    """One train() per epoch gives gensim's own vectors; its losses add up to gensim's total."""
    from gensim.models import Word2Vec as GensimWord2Vec

    ref = GensimWord2Vec(compute_loss=True, **w2v.gensim_params())
    ref.build_vocab(lee)
    ref.train(lee, total_examples=ref.corpus_count, epochs=ref.epochs, compute_loss=True)
    assert w2v.gensim_params()["workers"] == 1
    np.testing.assert_array_equal(w2v.model_.wv.vectors, ref.wv.vectors)
    cumulative = ref.get_latest_training_loss()
    losses = w2v.history_["loss"].to_numpy()
    # gensim keeps a float32 running sum, which rounds away a little over a whole run
    assert losses.sum() == pytest.approx(cumulative, rel=1e-2)
    assert losses.max() < 0.6 * cumulative  # each value is one epoch's, not a running total


def test_deterministic_runs_agree_bitwise(lee):
    a = Word2Vec(sg=0, **SMALL).fit(lee[:100])
    b = Word2Vec(sg=0, **SMALL).fit(lee[:100])
    assert a.embeddings_.labels == b.embeddings_.labels
    np.testing.assert_array_equal(a.embeddings_.vectors, b.embeddings_.vectors)
    np.testing.assert_array_equal(a.history_["loss"], b.history_["loss"])
    assert a.model_.workers == 1
    c = Word2Vec(sg=0, **{**SMALL, "seed": 2}).fit(lee[:100])
    assert not np.array_equal(a.embeddings_.vectors, c.embeddings_.vectors)


def test_events_reach_observers(lee):
    log, seen = ListObserver(), []
    Word2Vec(**SMALL, observers=[log, seen.append]).fit(lee[:50])
    assert log.started and log.ended
    assert [e.epoch for e in log.events] == [1, 2, 3] == [e.epoch for e in seen]
    assert log.events[-1].progress == 1.0 and log.events[0].unit == "words/s"


def test_stop_after_current_epoch_keeps_what_was_learned(lee):
    trainer = Word2Vec(**{**SMALL, "epochs": 5})

    def stop_at_two(event):
        if event.epoch == 2:
            trainer.stop()

    trainer.add_observer(stop_at_two)
    trainer.fit(lee[:100])
    assert trainer.stopped_ and len(trainer.history_) == 2
    assert trainer.model_.epochs == 2
    assert trainer.embeddings_ is not None and len(trainer.embeddings_) > 100
    # the next fit starts afresh and runs to the end
    trainer.remove_observer(stop_at_two)
    trainer.fit(lee[:100])
    assert not trainer.stopped_ and len(trainer.history_) == 5


def test_stop_from_another_thread(lee):
    """As the dashboard's Stop button does: fit runs in a thread, stop() from outside."""
    first = threading.Event()
    trainer = Word2Vec(**{**SMALL, "epochs": 40}, observers=[lambda e: first.set()])
    thread = threading.Thread(target=trainer.fit, args=(lee,))
    thread.start()
    assert first.wait(60)
    trainer.stop()
    thread.join(60)
    assert not thread.is_alive()
    assert trainer.stopped_ and 1 <= len(trainer.history_) < 40
    assert trainer.embeddings_ is not None


def test_probes_land_in_history(lee):
    def n_labels(emb):
        return len(emb)

    probes = ["wordsim353", AnalogyProbe(n=50), n_labels]
    trainer = Word2Vec(**{**SMALL, "epochs": 2}, probes=probes).fit(lee)
    hist = trainer.history_
    assert {"wordsim353_spearman", "analogy", "n_labels"} <= set(hist.columns)
    assert (hist["n_labels"] == len(trainer.embeddings_)).all()
    assert hist["wordsim353_spearman"].between(-1, 1).all()


def test_probe_errors_are_named_and_training_is_kept(lee):
    def broken(emb):
        raise ZeroDivisionError("boom")

    trainer = Word2Vec(**SMALL, probes=[broken])
    with pytest.raises(RuntimeError, match="probe 'broken' failed: boom"):
        trainer.fit(lee[:50])
    assert trainer.embeddings_ is not None  # what was learned is kept
    with pytest.raises(ValueError, match="unknown probe 'wordsim'"):
        make_probes("wordsim")


def test_word_pairs_probe_is_nan_without_coverage():
    emb = ek.Embeddings(["zzq", "qqz"], np.eye(2))
    assert np.isnan(WordPairsProbe()(emb)["wordsim353_spearman"])
    assert np.isnan(AnalogyProbe()(emb)["analogy"])


def test_tqdm_observer_shows_the_memory_estimate(lee, capsys):
    Word2Vec(**SMALL, observers=[TqdmObserver(file=sys.stdout)]).fit(lee[:50])
    out = capsys.readouterr().out
    assert "Word2Vec: estimated memory" in out and "vectors" in out


def test_bad_parameters():
    with pytest.raises(ValueError, match="vector_size must be a positive integer"):
        Word2Vec(vector_size=0).fit([["a"]])
    with pytest.raises(ValueError, match="min_learning_rate"):
        Word2Vec(learning_rate=0.01, min_learning_rate=0.1).fit([["a"]])
    with pytest.raises(TypeError, match="'alpha'; it is now called 'learning_rate'"):
        Word2Vec(alpha=0.01)
    with pytest.raises(RuntimeError, match="not fitted"):
        FastText().vector("a")


# ----------------------------------------------------------------------------- saving
@pytest.mark.parametrize("cls", [Word2Vec, FastText])
def test_saved_model_loads_in_a_fresh_process_without_embedkit(cls, lee, tmp_path):
    params = {**SMALL, "epochs": 1}
    if cls is FastText:
        params["bucket"] = 5000
    trainer = cls(**params, observers=[ListObserver(), lambda e: None, TqdmObserver()])
    # a dashboard run in a background thread, as with the Start button
    trainer.dashboard(lee[:50]).start().wait(120)
    assert not getattr(trainer.model_, "callbacks", ())
    path = tmp_path / "model.gensim"
    trainer.model_.save(str(path))
    code = (
        "import sys; sys.modules['embedkit'] = None\n"  # embedkit cannot be imported
        f"from gensim.models import {cls.__name__} as M\n"
        f"m = M.load({str(path)!r})\n"
        "print(len(m.wv), m.epochs, m.wv.vectors.shape[1])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.split() == [str(len(trainer.embeddings_)), "1", "16"]


# ----------------------------------------------------------------------------- FastText
def test_fasttext_loss_is_na_and_unseen_words_get_vectors(lee):
    log = ListObserver()
    ft = FastText(**{**SMALL, "epochs": 2}, bucket=20_000, observers=[log], probes="wordsim353")
    ft.fit(lee)
    assert "adjust_vectors" not in vars(ft.model_.wv)  # our between-epoch override is gone
    final = ek.evaluate.word_pairs(ft.embeddings_).spearman  # probes see n-gram sums too
    assert ft.history_["wordsim353_spearman"].iloc[-1] == pytest.approx(final, abs=1e-4)
    assert ft.history_["loss"].isna().all()
    assert all(e.loss is None for e in log.events)
    assert "loss n/a" in log.events[0].describe()
    assert "governments" in ft.embeddings_ and "governmentz" not in ft.embeddings_
    vec = ft.vector("governmentz")
    assert vec.shape == (16,) and np.isfinite(vec).all() and vec.any()
    np.testing.assert_allclose(ft.vector("government"), ft.embeddings_["government"])
    near = ft.neighbours("governmentz", k=5)
    assert len(near) == 5 and "government" in near["label"].tolist()
    emb = ft.embed(["government", "governmentz"])
    assert emb.metadata["in_vocab"].tolist() == [True, False]
    with pytest.raises(KeyError, match="no character n-grams"):
        ft.vector("")


# ----------------------------------------------------------------------------- GloVe
def _reference_cooccurrence(docs, vocab, window):
    index = {w: i for i, w in enumerate(vocab)}
    out = np.zeros((len(vocab), len(vocab)))
    for doc in docs:
        ids = [index[t] for t in doc if t in index]
        for pos, a in enumerate(ids):
            for d in range(1, window + 1):
                if pos + d < len(ids):
                    out[a, ids[pos + d]] += 1.0 / d
                    out[ids[pos + d], a] += 1.0 / d
    return out


def test_cooccurrence_matches_a_plain_python_count():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(30)]
    docs = [list(rng.choice(words, size=rng.integers(0, 40))) for _ in range(25)]
    vocab = words[:20]  # w20..w29 are out of vocabulary and dropped before windowing
    got = cooccurrence_matrix(docs, vocab, window=4).toarray()
    np.testing.assert_allclose(got, _reference_cooccurrence(docs, vocab, 4))
    np.testing.assert_allclose(got, got.T)


def test_glove_trains_loss_falls_and_is_deterministic(lee):
    params = {"vector_size": 16, "window": 5, "min_count": 3, "epochs": 3, "deterministic": True}
    a = GloVe(**params).fit(lee[:120])
    b = GloVe(**params).fit(lee[:120])
    np.testing.assert_array_equal(a.embeddings_.vectors, b.embeddings_.vectors)
    loss = a.history_["loss"].to_numpy()
    assert (np.diff(loss) < 0).all()
    assert a.history_.columns.tolist() == [
        "epoch", "loss", "pairs_per_sec", "elapsed", "mean_cosine"
    ]  # fmt: skip
    assert a.embeddings_.metadata["count"].is_monotonic_decreasing
    assert a.cooccurrence_.shape == (len(a.embeddings_),) * 2
    assert a.count_seconds_ > 0


def test_glove_stop(lee):
    trainer = GloVe(vector_size=8, min_count=3, epochs=10, deterministic=True)
    trainer.add_observer(lambda e: trainer.stop())
    trainer.fit(lee[:100])
    assert trainer.stopped_ and len(trainer.history_) == 1
    assert trainer.embeddings_ is not None


def test_glove_bad_input():
    with pytest.raises(ValueError, match="x_max must be a positive number"):
        GloVe(x_max=0).fit([["a"]])
    with pytest.raises(ValueError, match="min_count=2 leaves no vocabulary"):
        GloVe(min_count=2).fit([["a", "b"]])
    with pytest.raises(ValueError, match="within window=1"):
        GloVe(min_count=1, window=1).fit([["a"], ["b"]])


# ----------------------------------------------------------------------------- input checks
@pytest.mark.parametrize("cls", [Word2Vec, FastText, GloVe])
def test_strings_instead_of_token_lists(cls):
    with pytest.raises(TypeError, match=r"corpus\[0\] is a str .*ek\.tokenize"):
        cls(min_count=1).fit(["the cat sat", "the dog ran"])
    with pytest.raises(TypeError, match=r"single str.*ek\.tokenize"):
        cls(min_count=1).fit("the cat sat")


def test_tokens_must_be_strings():
    with pytest.raises(TypeError, match=r"corpus\[1\]\[2\] is int"):
        check_corpus([["a"], ["b", "c", 3]])
    with pytest.raises(TypeError, match="expected a list of token lists"):
        check_corpus(42)  # type: ignore[arg-type]


def test_one_shot_generator_is_read_once_with_a_warning(lee):
    docs = lee[:60]
    with pytest.warns(CorpusWarning, match="one-shot iterator"):
        gen = Word2Vec(**SMALL).fit(d for d in docs)
    ref = Word2Vec(**SMALL).fit(docs)
    np.testing.assert_array_equal(gen.embeddings_.vectors, ref.embeddings_.vectors)
    with pytest.raises(TypeError, match=r"starts over"):
        check_corpus(iter(docs), one_shot="error")


def test_empty_corpus_and_no_vocabulary():
    with pytest.raises(ValueError, match="corpus is empty: 0 documents, 0 tokens"):
        Word2Vec().fit([])
    with pytest.raises(ValueError, match="corpus is empty: 2 documents, 0 tokens"):
        Word2Vec().fit([[], []])
    with pytest.raises(
        ValueError, match=r"min_count=5 leaves no vocabulary: corpus has 4 tokens and 3 distinct"
    ):
        Word2Vec(min_count=5).fit([["a", "b"], ["a", "c"]])


def test_long_documents_are_split_with_a_warning():
    doc = [f"w{i % 50}" for i in range(25_000)]
    with pytest.warns(CorpusWarning, match=r"1 document\(s\) .* longer than 10,000 tokens"):
        out = check_corpus([doc, ["w1", "w2"]])
    assert [len(d) for d in out] == [10_000, 10_000, 5_000, 2]
    assert [t for piece in out[:3] for t in piece] == doc  # nothing lost
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # short documents pass silently
        assert split_long_documents([["a"]]) == [["a"]]
    with pytest.warns(CorpusWarning):
        trainer = Word2Vec(**{**SMALL, "epochs": 1, "min_count": 1}).fit([doc])
    assert trainer.model_.corpus_count == 3 and trainer.model_.corpus_total_words == 25_000


def test_memory_estimate_and_warning(lee, monkeypatch):
    est = estimate_memory(100_000, 300, kind="fasttext", bucket=2_000_000, available=10**9)
    assert est.too_large and est.parts["n-gram buckets"] == 2_000_000 * 300 * 4 * 2
    assert "n-gram buckets" in str(est) and "available" in str(est)
    with pytest.warns(MemoryWarning, match="may run out of memory"):
        est.warn_if_too_large()
    trainer = Word2Vec(**SMALL).fit(lee[:20])
    assert 0 < trainer.memory_estimate_.total < 10**9
    # a machine with 10 kB free (the system reading replaced: we cannot shrink real memory)
    monkeypatch.setattr(ek.train.corpus, "available_memory", lambda: 10_000)
    with pytest.warns(MemoryWarning, match=r"Word2Vec\.fit may run out of memory"):
        Word2Vec(**SMALL).fit(lee[:20])


def test_tokenize():
    assert ek.tokenize("Hello, World! It's 2024.") == ["hello", "world", "it's", "2024"]
    assert ek.tokenize(["A b", "C"], lowercase=False) == [["A", "b"], ["C"]]
    assert tokenize("state-of-the-art") == ["state-of-the-art"]
    with pytest.raises(TypeError, match="item 1 is int"):
        tokenize(["ok", 3])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="decode"):
        tokenize(b"bytes")  # type: ignore[arg-type]


def test_glove_adagrad_dense_and_sparse_paths_agree():
    """Whole-matrix AdaGrad (batch >= vocabulary) equals the touched-rows version."""
    import torch

    from embedkit.train.glove import _adagrad

    gen = torch.Generator().manual_seed(0)
    rows = torch.randint(0, 50, (60,), generator=gen)  # repeats: summed per row
    grad = torch.rand(60, 4, generator=gen)
    dense_w, dense_acc = torch.rand(50, 4, generator=gen), torch.ones(50, 4)
    sparse_w = torch.cat([dense_w, torch.rand(40, 4, generator=gen)])  # 90 rows > 60
    sparse_acc = torch.ones(90, 4)
    _adagrad(dense_w, dense_acc, rows, grad)
    _adagrad(sparse_w, sparse_acc, rows, grad)
    torch.testing.assert_close(dense_w, sparse_w[:50])
    torch.testing.assert_close(dense_acc, sparse_acc[:50])
    assert torch.equal(sparse_acc[50:], torch.ones(40, 4))  # untouched rows unchanged
