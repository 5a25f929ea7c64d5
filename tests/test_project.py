"""Layouts (PCA, t-SNE, UMAP, precomputed) and Procrustes alignment."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import special_ortho_group

import embedkit as ek
from embedkit import project
from embedkit._deps import MissingDependencyError


@pytest.fixture(scope="module")
def small(glove):
    """The 300 most frequent GloVe words (real data, small enough for t-SNE in a test)."""
    return glove[:300]


def test_pca_shape_dtype_and_determinism(glove):
    sub = glove[:5000]
    a = project.layout(sub, "pca", seed=0)
    b = project.layout(sub.vectors, "pca", seed=7)  # exact PCA: the seed does not matter
    assert a.shape == (5000, 2) and a.dtype == np.float32 and a.flags.c_contiguous
    np.testing.assert_array_equal(a, b)


def test_pca_matches_sklearn_up_to_sign(small):
    from sklearn.decomposition import PCA

    ours = project.layout(small, "pca")
    ref = PCA(n_components=2, svd_solver="full").fit_transform(small.vectors.astype(np.float64))
    for j in range(2):
        sign = np.sign(ours[:, j] @ ref[:, j])
        np.testing.assert_allclose(ours[:, j], sign * ref[:, j], rtol=1e-3, atol=1e-3)


def test_pca_one_dimensional_and_normalized():
    X = np.array([[1.0], [2.0], [4.0]])
    out = project.layout(X, "pca")
    assert out.shape == (3, 2) and np.all(out[:, 1] == 0)
    scaled = project.pca_layout(np.array([[1, 0], [10, 0], [0, 3]]), normalize=True)
    assert np.allclose(scaled[0], scaled[1])  # same direction, same point once normalised


def test_tsne_deterministic_and_separates_clusters():
    rng = np.random.default_rng(0)
    centres = rng.normal(scale=10, size=(3, 20))
    X = np.vstack([c + rng.normal(size=(60, 20)) for c in centres]).astype(np.float32)
    a = project.layout(X, "tsne", seed=1, perplexity=15)
    b = project.layout(X, "tsne", seed=1, perplexity=15)
    assert a.shape == (180, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    # each point's nearest 2-D neighbour is in its own cluster
    d = ((a[:, None, :] - a[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    cluster = np.repeat(np.arange(3), 60)
    assert (cluster[d.argmin(1)] == cluster).mean() > 0.95


def test_tsne_sklearn_backend_runs(small):
    out = project.tsne_layout(small[:100], backend="sklearn", perplexity=5, max_iter=250)
    assert out.shape == (100, 2) and np.isfinite(out).all()


def test_tsne_too_few_points_is_a_clear_error():
    X = np.random.default_rng(0).normal(size=(50, 4))
    with pytest.raises(ValueError, match=r"perplexity=30 needs more than 90 points; got 50"):
        project.layout(X, "tsne")
    with pytest.raises(ValueError, match="unknown t-SNE backend"):
        project.tsne_layout(X, perplexity=5, backend="bh")


@pytest.mark.slow
def test_umap_deterministic(small):
    a = project.layout(small, "umap", seed=0, n_epochs=50, n_jobs=1)
    b = project.layout(small, "umap", seed=0, n_epochs=50, n_jobs=1)
    assert a.shape == (300, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)


def test_umap_errors(monkeypatch):
    X = np.zeros((10, 3))
    with pytest.raises(ValueError, match="n_neighbors=15 needs more than 15 points"):
        project.layout(X, "umap")
    # Simulate umap-learn not being installed: the error names the extra.
    import sys

    monkeypatch.setitem(sys.modules, "umap", None)
    with pytest.raises(MissingDependencyError, match=r"embedkit\[umap\]"):
        project.layout(np.zeros((40, 3)), "umap")


def test_unknown_method_lists_choices():
    with pytest.raises(ValueError, match="'pca', 'tsne', 'umap'"):
        project.layout(np.zeros((5, 3)), "isomap")


def test_bad_input_shapes():
    with pytest.raises(ValueError, match="2-D matrix"):
        project.layout(np.zeros(5), "pca")
    with pytest.raises(ValueError, match="empty"):
        project.layout(np.zeros((0, 3)), "pca")


def test_precomputed_coordinates():
    X = np.zeros((3, 5))
    coords = [[0, 1], [2, 3], [4, 5]]
    out = project.layout(X, np.array(coords))
    assert out.dtype == np.float32 and out.tolist() == [[0, 1], [2, 3], [4, 5]]
    with pytest.raises(ValueError, match=r"expected \(3, 2\)"):
        project.layout(X, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="not finite at rows"):
        project.layout(X, [[0, 1], [np.nan, 1], [0, 0]])


def test_procrustes_recovers_a_random_rotation(small):
    q = special_ortho_group.rvs(small.dim, random_state=0).astype(np.float32)
    labels = small.labels[::-1]  # another row order, and only part of the vocabulary
    rotated = ek.Embeddings(labels[:250], small[labels[:250]].vectors @ q)
    aligned, rotation, shared = project.procrustes(small, rotated, normalize=False)
    assert sorted(shared) == sorted(labels[:250])
    assert shared == [w for w in small.labels if w in set(labels[:250])]  # A's order
    np.testing.assert_allclose(rotation, q.T, atol=1e-4)
    np.testing.assert_allclose(aligned.vectors, small[aligned.labels].vectors, atol=1e-3)
    # normalised alignment: unit vectors in A's direction
    unit = project.procrustes(small, rotated).aligned
    np.testing.assert_allclose(np.linalg.norm(unit.vectors, axis=1), 1.0, atol=1e-5)
    cos = (unit.vectors * small[unit.labels].vectors).sum(1) / small[unit.labels].norms
    assert cos.min() > 0.9999


def test_procrustes_different_dims_and_errors(small):
    pad = ek.Embeddings(small.labels, np.hstack([small.vectors, np.zeros((300, 10))]))
    aligned, rotation, _ = project.procrustes(pad, small, normalize=False)
    assert rotation.shape == (50, 60) and aligned.dim == 60
    np.testing.assert_allclose(aligned.vectors, pad.vectors, atol=1e-3)
    other = ek.Embeddings(["zzz1", "zzz2", "the"], np.eye(3))
    with pytest.raises(ValueError, match="1 are shared"):
        project.procrustes(small, other)


# ----------------------------------------------------------------- static plot
def test_plot_subsample_rule_in_title(glove):
    import matplotlib.pyplot as plt

    ax = glove.plot("pca", max_points=500, max_labels=10)
    assert ax.get_title() == "PCA of the first 500 of 400,000 points (row order); 10 labelled"
    assert len(ax.collections[0].get_offsets()) == 500
    texts = [t.get_text() for t in ax.texts]
    assert texts == glove.labels[:10]
    plt.close(ax.figure)


def test_plot_named_labels_are_drawn_even_beyond_the_subsample(glove):
    import matplotlib.pyplot as plt

    far = glove.labels[300_000]
    ax = glove.plot(max_points=200, labels=["the", far])
    assert ax.get_title().endswith("(row order) + 1 named; 2 labelled")
    assert sorted(t.get_text() for t in ax.texts) == sorted(["the", far])
    assert len(ax.collections[0].get_offsets()) == 201
    plt.close(ax.figure)
    with pytest.raises(KeyError, match="not in the embeddings"):
        glove.plot(max_points=10, labels=["qqqzzzxx"])
    with pytest.raises(ValueError, match="max_points must be a positive integer"):
        glove.plot(max_points=0)


def test_plot_colour_precomputed_and_untrusted_labels():
    import matplotlib.pyplot as plt

    labels = ["<img src=x onerror=alert(1)>", "$\\frac{", "plain", "x$y$"]
    meta = {"kind": ["a", "b", "a", "$b"], "n": [1.0, 2.0, 3.0, 4.0]}
    emb = ek.Embeddings(labels, np.eye(4), metadata=meta)
    ax = emb.plot(method=[[0, 0], [1, 0], [0, 1], [1, 1]], color="kind")
    ax.figure.canvas.draw()  # mathtext would fail here on "$\frac{" if it were parsed
    assert [t.get_text() for t in ax.texts] == labels
    assert ax.get_title() == "Layout of 4 points; 4 labelled"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["\\$b", "a", "b"]
    plt.close(ax.figure)
    with pytest.raises(ValueError, match=r"not a metadata column; columns: \['kind', 'n'\]"):
        emb.plot(color="genre")
    with pytest.raises(ValueError, match="color has 2 values for 4 points"):
        emb.plot(color=[1, 2])
    ax = emb.plot(method="pca", color=np.arange(4.0), labels=False)
    assert len(ax.texts) == 0 and ax.get_title() == "PCA of 4 points; 0 labelled"
    plt.close(ax.figure)


def test_procrustes_centred_alignment(small):
    """With centring, a rotated copy lands exactly on A's centred unit vectors."""
    q = special_ortho_group.rvs(small.dim, random_state=3).astype(np.float32)
    moved = ek.Embeddings(small.labels[::-1], 2.0 * small[small.labels[::-1]].vectors @ q)
    aligned, _, _ = project.procrustes(small, moved, center=True)
    target = project.prepare(small.vectors, center=True)
    np.testing.assert_allclose(aligned[small.labels].vectors, target, atol=1e-4)
    assert np.abs(target.mean(axis=0)).max() < 0.05  # the common direction is gone
    np.testing.assert_allclose(np.linalg.norm(target, axis=1), 1.0, atol=1e-5)
    uncentred = project.prepare(small.vectors)
    assert np.abs(uncentred.mean(axis=0)).max() > 0.1  # GloVe has one: centring matters


# ------------------------------------------------------------------ live layouts


def test_tsne_callback_sees_the_start_then_frames_and_can_stop(small):
    frames = []

    def watch(frame):
        frames.append(frame)
        return frame.step >= 40

    Y = project.layout(small, "tsne", perplexity=10, callback=watch, every=0)
    stages = [f.stage for f in frames]
    assert stages[:2] == ["init", "neighbours"] and stages[-1] == "done"
    np.testing.assert_array_equal(frames[0].coords, project.pca_layout(small, normalize=True))
    steps = [f.step for f in frames if f.stage == "optimise"]
    assert steps == sorted(steps) and steps[0] == 5 and steps[-1] == 40
    last = frames[-1]
    assert last.step == 40 and last.total == 400 and last.coords.dtype == np.float32
    np.testing.assert_array_equal(Y, last.coords)  # stopped: the layout of that moment


def test_umap_callback_stop_keeps_the_current_layout_and_frames_are_throttled(small):
    frames = []
    Y = project.layout(small, "umap", n_epochs=60, n_jobs=1, callback=lambda f: frames.append(f) or
                       f.step >= 25, every=0)  # fmt: skip
    assert frames[-1].stage == "done" and frames[-1].step == 25 and frames[-1].total == 60
    np.testing.assert_array_equal(Y, frames[-1].coords)
    few = []
    project.layout(small, "umap", n_epochs=30, n_jobs=1, callback=few.append, every=3600)
    assert [f.stage for f in few] == ["init", "neighbours", "done"]  # nothing in between


def test_progress_bar_counts_iterations(small, capsys):
    project.layout(small, "umap", n_epochs=20, n_jobs=1, progress=True)
    err = capsys.readouterr().err
    assert "UMAP" in err and "20/20" in err
    project.layout(small[:100], "tsne", perplexity=5, n_iter=10, early_exaggeration_iter=10,
                   progress=True)  # fmt: skip
    assert "t-SNE" in capsys.readouterr().err


def test_pca_sends_one_done_frame_and_sklearn_has_no_callback(small):
    frames = []
    Y = project.layout(small, "pca", callback=frames.append)
    assert [f.stage for f in frames] == ["done"]
    np.testing.assert_array_equal(frames[0].coords, Y)
    with pytest.raises(ValueError, match="need openTSNE"):
        project.tsne_layout(small, backend="sklearn", progress=True)


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_neighbour_graph_is_exact_search(small, metric):
    from embedkit import search
    from embedkit._optimise import neighbour_graph

    idx, dist = neighbour_graph(small.vectors, 10, metric)
    ref_idx, ref_val = search.topk(small.vectors, small.vectors, 10, metric=metric,
                                      exclude=[[i] for i in range(len(small))])  # fmt: skip
    assert (idx[:, :9] == ref_idx[:, :9]).mean() > 0.99  # ties may swap the last
    want = 1 - ref_val if metric == "cosine" else ref_val
    np.testing.assert_allclose(dist, want, atol=1e-4)
    with_self, _ = neighbour_graph(small.vectors, 10, metric, with_self=True)
    assert (with_self[:, 0] == np.arange(len(small))).all() and with_self.shape == (300, 11)
    assert neighbour_graph(small.vectors, 10, "manhattan") is None  # the library's own
