"""embedkit.evaluate against gensim itself (real GloVe 6B 50d, real gensim, real scikit-learn).

The full Google set comparison (19,544 questions) lives in benchmarks/bench_analogies.py;
here a subset per section keeps the test fast while covering every section.
"""

from __future__ import annotations

import logging

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import embedkit as ek
from embedkit import datasets, evaluate

matplotlib.use("Agg")
logging.getLogger("gensim").setLevel(logging.WARNING)


def write_questions(path, frame: pd.DataFrame) -> str:
    lines = []
    for section, group in frame.groupby("section", sort=False):
        lines.append(f": {section}")
        lines += [" ".join(r) for r in group[["a", "b", "c", "expected"]].itertuples(index=False)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def subset(tmp_path_factory):
    """The first 12 questions of every Google section plus some with unknown words."""
    google = datasets.google_analogies()
    frame = google.groupby("section", sort=False).head(12)
    extra = pd.DataFrame(
        [["currency", "Japan", "yen", "Korea", "won"], ["family", "boy", "girl", "zzqx", "qqzx"]],
        columns=frame.columns,
    )
    frame = pd.concat([frame, extra], ignore_index=True)
    path = write_questions(tmp_path_factory.mktemp("q") / "subset.txt", frame)
    return frame, path


def gensim_counts(sections):
    return {
        s["section"]: (len(s["correct"]), len(s["correct"]) + len(s["incorrect"]))
        for s in sections[:-1]
    }


def ours_counts(result):
    return {r.section: (r.correct, r.total) for r in result.sections.itertuples()}


@pytest.mark.parametrize(
    ("restrict_vocab", "case_insensitive", "dummy4unknown"),
    [(300_000, True, False), (30_000, True, True), (100_000, False, False)],
)
def test_analogies_equal_gensim(glove, glove_kv, subset, restrict_vocab, case_insensitive,
                                dummy4unknown):  # fmt: skip
    frame, path = subset
    score, sections = glove_kv.evaluate_word_analogies(
        path, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive,
        dummy4unknown=dummy4unknown,
    )  # fmt: skip
    ours = evaluate.analogies(
        glove, path, restrict_vocab=restrict_vocab, case_insensitive=case_insensitive,
        dummy4unknown=dummy4unknown,
    )  # fmt: skip
    assert ours_counts(ours) == gensim_counts(sections)
    assert ours.accuracy == pytest.approx(score, abs=0)
    # the very same questions are right
    fold = str.upper if case_insensitive else str
    theirs = {tuple(q) for q in sections[-1]["correct"]}
    mine = ours.predictions[ours.predictions["correct"]][["a", "b", "c", "expected"]]
    assert {tuple(map(fold, q)) for q in mine.itertuples(index=False)} == theirs
    # the DataFrame form gives the same result as the file
    assert ours_counts(evaluate.analogies(glove, frame, restrict_vocab=restrict_vocab,
                       case_insensitive=case_insensitive, dummy4unknown=dummy4unknown)) == (
        ours_counts(ours)
    )  # fmt: skip


def test_analogies_case_variants_like_gensim(tmp_path):
    """Case variants: the first (most frequent) variant stands for a word, and a candidate
    whose upper-case form is an input is passed over — exactly gensim's rules."""
    rng = np.random.default_rng(7)
    base = [f"word{i}" for i in range(300)]
    vecs = rng.standard_normal((300, 16)).astype(np.float32)
    # variants right after their word, nearly the same vector: they crowd the top 5
    labels, rows = [], []
    for i, w in enumerate(base):
        labels.append(w)
        rows.append(vecs[i])
        if i % 3 == 0:
            labels += [w.upper(), w.capitalize()]
            rows += [vecs[i] * 1.01 + 0.01, vecs[i] * 0.99]
    emb = ek.Embeddings(labels, np.array(rows))
    q = rng.integers(0, 300, size=(400, 4))
    frame = pd.DataFrame(
        [
            ["s1" if n < 200 else "s2", *(base[j].capitalize() for j in row)]
            for n, row in enumerate(q)
        ],
        columns=["section", "a", "b", "c", "expected"],
    )
    # make half of the answers the nearest non-input word so that many are right
    for n in range(0, 400, 2):
        a, b, c = (emb.index(frame.iloc[n][x].lower()) for x in "abc")
        top = emb.analogy(labels[a], labels[b], labels[c], k=1).iloc[0]["label"]
        frame.iloc[n, 4] = top
    path = write_questions(tmp_path / "q.txt", frame)
    kv = emb.to_gensim()
    for ci in (True, False):
        score, sections = kv.evaluate_word_analogies(path, case_insensitive=ci)
        ours = evaluate.analogies(emb, path, case_insensitive=ci)
        assert ours_counts(ours) == gensim_counts(sections)
        assert ours.accuracy == score
    assert ours.total < 400  # case-sensitive: capitalised words are unknown
    everything = evaluate.analogies(emb, path, restrict_vocab=None)
    assert ours_counts(everything) == ours_counts(evaluate.analogies(emb, path, 10**9))


@pytest.mark.filterwarnings("ignore:Call to deprecated `init_sims`:DeprecationWarning")
def test_analogies_3cosmul_matches_gensim_cosmul(glove, glove_kv):
    google = datasets.google_analogies()
    frame = google.groupby("section", sort=False).head(4).reset_index(drop=True)
    res = evaluate.analogies(glove, frame, restrict_vocab=30_000, method="3cosmul")
    assert res.method == "3cosmul" and len(res.predictions) >= 40
    for row in res.predictions.itertuples():
        a, b, c = (w.lower() for w in (row.a, row.b, row.c))
        # gensim 4.4's most_similar_cosmul ignores restrict_vocab: restrict its scores here
        dists = glove_kv.most_similar_cosmul(positive=[b, c], negative=[a], topn=None)[:30_000]
        dists[[glove.index(w) for w in (a, b, c)]] = -np.inf
        assert glove.labels[int(np.argmax(dists))] == row.predicted


def test_analogy_result_display(glove, subset):
    frame, path = subset
    r = evaluate.analogies(glove, path)
    assert repr(r) == (
        f"AnalogyResult(method='3cosadd', accuracy={r.accuracy:.4f}, correct={r.correct}/"
        f"{r.total}, skipped={r.skipped}, coverage={100 * r.coverage:.1f}%, restrict_vocab=300000)"
    )
    assert r.skipped == 1 and r.total == len(frame) - 1
    assert r.coverage == pytest.approx((len(frame) - 1) / len(frame))
    page = r._repr_html_()
    for text in ("3cosadd", "coverage", "restrict_vocab", "capital-world", "gram9-plural-verbs"):
        assert text in page
    assert list(r.sections.columns) == ["section", "correct", "total", "skipped", "accuracy"]
    summary = r.summary.set_index("kind")
    assert summary.loc["total", "correct"] == r.correct
    assert summary.loc["semantic", "total"] + summary.loc["syntactic", "total"] == r.total
    errors = r.errors
    assert len(errors) == r.total - r.correct
    assert (errors["predicted"].str.upper() != errors["expected"].str.upper()).all()
    ax = r.plot()
    assert len(ax.patches) == len(r.sections)
    assert ax.get_xlim() == (0.0, 1.0)


def test_analogy_html_escapes_untrusted_text():
    emb = ek.Embeddings(["<b>", "x", "y", "z"], np.eye(4))
    qs = pd.DataFrame([["<script>alert(1)</script>", "<b>", "x", "y", "z"]],
                      columns=["section", "a", "b", "c", "expected"])  # fmt: skip
    page = evaluate.analogies(emb, qs)._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_analogies_bad_input(glove, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(": s\nking queen man woman\nking queen man\n")
    with pytest.raises(ValueError, match=r"bad\.txt: line 3: expected 4 words"):
        evaluate.analogies(glove, bad)
    nohead = tmp_path / "nohead.txt"
    nohead.write_text("\nking queen man woman\n")
    with pytest.raises(ValueError, match=r"nohead\.txt: line 2: question before"):
        evaluate.analogies(glove, nohead)
    empty = tmp_path / "empty.txt"
    empty.write_text(": only a header\n\n")
    with pytest.raises(ValueError, match=r"no analogy questions in .*empty\.txt"):
        evaluate.analogies(glove, empty)
    with pytest.raises(ValueError, match="no analogy questions in DataFrame"):
        evaluate.analogies(glove, pd.DataFrame(columns=["section", "a", "b", "c", "expected"]))
    with pytest.raises(ValueError, match="lacks columns"):
        evaluate.analogies(glove, pd.DataFrame({"a": ["x"]}))
    with pytest.raises(FileNotFoundError, match=r"missing\.txt"):
        evaluate.analogies(glove, tmp_path / "missing.txt")
    oov = tmp_path / "oov.txt"
    oov.write_text(": s\nqqzx zzqx xqzq zqqx\n")
    with pytest.raises(ValueError, match="none of the 1 questions"):
        evaluate.analogies(glove, oov)
    with pytest.raises(ValueError, match="restrict_vocab"):
        evaluate.analogies(glove, oov, restrict_vocab=0)
    with pytest.raises(ValueError, match="unknown analogy method"):
        evaluate.analogies(glove, datasets.google_analogies().head(2), method="3coswhat")


@pytest.mark.parametrize("name", ["wordsim353", "simlex999"])
@pytest.mark.parametrize(
    ("restrict_vocab", "case_insensitive", "dummy4unknown"),
    [(300_000, True, False), (20_000, True, True), (5_000, False, False)],
)
def test_word_pairs_equal_gensim(glove, glove_kv, name, restrict_vocab, case_insensitive,
                                 dummy4unknown):  # fmt: skip
    from gensim.test.utils import datapath

    fname = {"wordsim353": "wordsim353.tsv", "simlex999": "simlex999.txt"}[name]
    pearson, spearman, oov = glove_kv.evaluate_word_pairs(
        datapath(fname), restrict_vocab=restrict_vocab, case_insensitive=case_insensitive,
        dummy4unknown=dummy4unknown,
    )  # fmt: skip
    opts = {"restrict_vocab": restrict_vocab, "case_insensitive": case_insensitive}
    r = evaluate.word_pairs(glove, name, dummy4unknown=dummy4unknown, **opts)
    assert (r.pearson, r.pearson_pvalue) == (pearson.statistic, pearson.pvalue)
    assert (r.spearman, r.spearman_pvalue) == (spearman.statistic, spearman.pvalue)
    assert 100 * r.oov_ratio == pytest.approx(oov, rel=1e-12)  # gensim: percent; ours: fraction
    same = evaluate.word_pairs(glove, datapath(fname), dummy4unknown=dummy4unknown, **opts)
    assert same.spearman == r.spearman and same.source.endswith(fname)


def test_word_pairs_result_and_errors(glove, tmp_path):
    r = evaluate.word_pairs(glove, "simlex999")
    assert list(r.pairs.columns) == ["word1", "word2", "gold", "model"]
    assert r.n_pairs == 998 and r.oov_ratio == pytest.approx(1 / 999)
    assert isinstance(r, evaluate.WordPairsResult)
    assert repr(r).startswith("WordPairsResult(source='simlex999', pearson=")
    page = r._repr_html_()
    assert "Spearman" in page and "99.9% of pairs known" in page and "restrict_vocab" in page
    ax = r.plot()
    assert len(ax.collections[0].get_offsets()) == r.n_pairs
    with pytest.raises(FileNotFoundError, match="'nosuchset': not a file nor one of"):
        evaluate.word_pairs(glove, "nosuchset")
    bad = tmp_path / "pairs.tsv"
    bad.write_text("# header\ncat\tdog\t7\ncat\tdog\tnot-a-number\n")
    with pytest.raises(ValueError, match=r"pairs\.tsv: line 3: expected"):
        evaluate.word_pairs(glove, bad)
    oov = pd.DataFrame({"word1": ["qqzx"], "word2": ["cat"], "score": [1.0]})
    with pytest.raises(ValueError, match="no pair in DataFrame"):
        evaluate.word_pairs(glove, oov)


def test_knn_accuracy_equals_scikit_learn():
    from sklearn.neighbors import KNeighborsClassifier

    rng = np.random.default_rng(3)
    centres = rng.standard_normal((4, 12)) * 2
    y = rng.integers(0, 4, size=400)
    x = centres[y] + rng.standard_normal((400, 12))
    emb = ek.Embeddings([f"p{i}" for i in range(400)], x, metadata={"cls": y})
    test = np.zeros(400, dtype=bool)
    test[::4] = True
    for metric, sk_metric in (("cosine", "cosine"), ("euclidean", "euclidean")):
        ours = evaluate.knn_accuracy(emb, "cls", k=7, metric=metric, test=test)
        sk = KNeighborsClassifier(7, metric=sk_metric, algorithm="brute").fit(x[~test], y[~test])
        assert (ours.predicted == sk.predict(x[test])).all()
        assert ours.mode == "held-out" and ours.n_test == 100 and ours.n_train == 300
    loo = evaluate.knn_accuracy(emb, y, k=5)
    sk = KNeighborsClassifier(5, metric="cosine", algorithm="brute").fit(x, y)
    neigh = sk.kneighbors(return_distance=False)  # leave-one-out: each point left out
    votes = np.array([np.bincount(y[n], minlength=4).argmax() for n in neigh])
    assert (loo.predicted == votes).all()
    assert loo.accuracy == pytest.approx((votes == y).mean())
    assert "leave-one-out" in repr(loo) and "5-NN accuracy" in loo._repr_html_()
    assert loo.per_class["n"].sum() == 400
    assert len(loo.plot().patches) == 4


def test_knn_accuracy_on_digits_and_errors():
    d = datasets.digits()
    emb = ek.Embeddings(d.names, d.flat())
    r = evaluate.knn_accuracy(emb, d.labels, k=3)
    assert r.accuracy > 0.95  # raw pixels separate digits well
    with pytest.raises(ValueError, match="one class per row"):
        evaluate.knn_accuracy(emb, d.labels[:10])
    with pytest.raises(KeyError, match="no metadata column 'cls'"):
        evaluate.knn_accuracy(emb, "cls")
    with pytest.raises(ValueError, match="k must be a positive integer"):
        evaluate.knn_accuracy(emb, d.labels, k=0)
    with pytest.raises(ValueError, match="test must select"):
        evaluate.knn_accuracy(emb, d.labels, test=np.ones(len(d), dtype=bool))


def test_neighbour_overlap_against_brute_force():
    rng = np.random.default_rng(5)
    a_lab = [f"w{i}" for i in range(60)]
    b_lab = [f"w{i}" for i in range(20, 90)]  # 40 shared words
    a = ek.Embeddings(a_lab, rng.standard_normal((60, 8)))
    b = ek.Embeddings(b_lab, rng.standard_normal((70, 8)))
    out = evaluate.neighbour_overlap(a, b, k=5)
    shared = [f"w{i}" for i in range(20, 60)]
    assert out["label"].tolist() == shared and out.attrs["shared_vocabulary"] == 40

    def brute(emb):
        m = emb[shared].vectors
        u = m / np.linalg.norm(m, axis=1, keepdims=True)
        s = u @ u.T
        np.fill_diagonal(s, -np.inf)
        return [set(np.argsort(-row)[:5]) for row in s]

    na, nb = brute(a), brute(b)
    expected = [len(x & y) / len(x | y) for x, y in zip(na, nb, strict=True)]
    assert out["jaccard"].to_numpy() == pytest.approx(expected)
    assert (evaluate.neighbour_overlap(a, a[shared], k=5)["jaccard"] == 1.0).all()
    part = evaluate.neighbour_overlap(a, b, k=5, labels=["w30", "w21"])
    assert part["jaccard"].tolist() == pytest.approx([expected[10], expected[1]])
    with pytest.raises(KeyError, match="w5"):
        evaluate.neighbour_overlap(a, b, labels=["w5"])


def test_document_similarity_on_lee():
    lee = datasets.lee()
    rng = np.random.default_rng(0)
    # documents as noisy copies of their human-similarity profile: positively correlated
    vecs = lee.similarity + 0.05 * rng.standard_normal(lee.similarity.shape)
    emb = ek.Embeddings([f"doc{i}" for i in range(50)], vecs)
    r = evaluate.document_similarity(emb, lee.similarity)
    i, j = np.triu_indices(50, 1)
    v = emb.vectors.astype(np.float64)
    u = v / np.linalg.norm(v, axis=1, keepdims=True)
    model = (u @ u.T)[i, j]
    ref = stats.spearmanr(lee.similarity[i, j], model).statistic
    assert r.n_pairs == 50 * 49 // 2
    assert r.spearman == pytest.approx(ref, abs=1e-6) and r.spearman > 0.3
    assert "DocumentSimilarityResult" in repr(r) and "documents" in r._repr_html_()
    rev = evaluate.document_similarity(emb, lee.similarity[::-1, ::-1],
                                       labels=[f"doc{i}" for i in range(49, -1, -1)])  # fmt: skip
    assert rev.spearman == pytest.approx(r.spearman)
    with pytest.raises(ValueError, match=r"square \(50, 50\) matrix"):
        evaluate.document_similarity(emb, lee.similarity[:10])
