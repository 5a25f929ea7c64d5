"""TrainingDashboard over a real (tiny) gensim Doc2Vec, with real ipywidgets models.

ipywidgets models work without a front end: ``Button.click()`` runs the same handlers
a browser click does, and every trait change goes through the widget's comm.
"""

from __future__ import annotations

import base64
import time

import ipywidgets as w
import pytest
from gensim.test.utils import datapath
from gensim.utils import simple_preprocess

import embedkit as ek
from embedkit.train.documents import Doc2Vec
from embedkit.train.params import default_workers
from embedkit.widgets.dashboard import TrainingDashboard

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def docs():
    with open(datapath("lee_background.cor"), encoding="latin-1") as fh:
        return [simple_preprocess(line) for line in fh][:60]


def trainer(**kw):
    params = dict(vector_size=8, min_count=2, epochs=3, deterministic=True)
    params.update(kw)
    return Doc2Vec(**params)


def wait_for(predicate, timeout=60.0):
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)


def test_controls_are_generated_from_the_trainer_parameters(docs):
    d2v = trainer()
    dash = d2v.dashboard(docs)
    assert isinstance(dash, TrainingDashboard) and ek.TrainingDashboard is TrainingDashboard
    params = d2v.get_params()
    assert set(dash.controls) | set(dash.skipped_params) == set(params)
    assert dash.skipped_params == ["probes"]  # None: nothing to edit
    for name, ctl in dash.controls.items():
        if name == "workers" and params[name] is None:  # "the machine's cores", shown as a count
            assert ctl.value == default_workers(None)
            continue
        if name == "track":  # None: no timeline, shown unticked
            assert ctl.value is False and params[name] is None
            continue
        assert ctl.value == params[name], name
    assert isinstance(dash.controls["vector_size"], w.IntText)
    assert isinstance(dash.controls["learning_rate"], w.FloatText)
    assert isinstance(dash.controls["deterministic"], w.Checkbox)
    assert isinstance(dash.controls["dm"], w.Dropdown)
    assert dash.controls["dm"].options == (("PV-DM", 1), ("PV-DBOW", 0))
    assert dash.controls["dm"].description == "architecture"


def test_changing_a_control_changes_the_trainer(docs):
    d2v = trainer()
    dash = TrainingDashboard(d2v, docs)
    dash.controls["epochs"].value = 2
    dash.controls["dm"].value = 0
    dash.controls["learning_rate"].value = 0.05
    dash.controls["deterministic"].value = False
    assert (d2v.epochs, d2v.dm, d2v.learning_rate, d2v.deterministic) == (2, 0, 0.05, False)
    assert repr(dash) == "TrainingDashboard(Doc2Vec, epoch 0/2, ready)"
    dash.fit()
    assert len(d2v.history_) == 2 and d2v.model_.sg  # trained with the edited values


def test_fit_fills_history_charts_progress_and_summary(docs):
    d2v = trainer(epochs=3)
    dash = TrainingDashboard(d2v, docs, preview=["3", "10"], n_neighbours=2)
    assert repr(dash) == "TrainingDashboard(Doc2Vec, epoch 0/3, ready)"
    assert dash.fit() is dash
    assert repr(dash) == "TrainingDashboard(Doc2Vec, epoch 3/3, finished)"
    assert list(dash.history["epoch"]) == [1, 2, 3]
    assert dash.history["words_per_sec"].gt(0).all()
    assert dash.progress.value == 1.0
    assert dash.status.value.startswith("finished: epoch 3/3")
    assert bytes(dash.chart.value).startswith(PNG)
    fig = dash.figure()
    loss_ax, right_ax = fig.axes
    assert "n/a" in loss_ax.texts[0].get_text()  # Doc2Vec has no loss: said, not drawn as 0
    assert right_ax.get_title() == "metrics"  # the health figure, charted per epoch
    assert list(right_ax.lines[0].get_xdata()) == [1, 2, 3]
    summary = dash.summary()
    assert list(summary.index.get_level_values("query").unique()) == ["3", "10"]
    assert summary.groupby(level="query").size().tolist() == [2, 2]
    first = summary.loc["3", "label"].iloc[0]
    assert first in dash.summary_html.value  # neighbours preview shown
    assert docs[3][0] in dash.summary_html.value  # with the document's text
    assert dash not in d2v.observers  # detached after the run
    assert not dash.start_button.disabled and dash.stop_button.disabled


def test_probe_metrics_are_charted(docs):
    d2v = trainer(probes=[lambda emb: {"mean_norm": float(emb.norms.mean())}])
    dash = TrainingDashboard(d2v, docs).fit()
    assert "mean_norm" in dash.history
    right = dash.figure().axes[1]
    assert right.get_title() == "metrics"
    assert len(right.lines[0].get_ydata()) == 3


def test_start_in_a_thread_and_stop_keeps_the_model(docs):
    d2v = trainer(epochs=400)
    dash = TrainingDashboard(d2v, docs)
    dash.start_button.click()  # as in the browser: trains in a background thread
    wait_for(lambda: dash.epoch >= 2)
    assert dash.running and dash.start_button.disabled and not dash.stop_button.disabled
    with pytest.raises(RuntimeError, match="already running"):
        dash.start()
    assert dash.controls["epochs"].disabled
    dash.stop_button.click()
    dash.wait(60)
    assert dash.state == "stopped"
    assert 2 <= dash.epoch < 400 and len(d2v.history_) == dash.epoch
    assert repr(dash) == f"TrainingDashboard(Doc2Vec, epoch {dash.epoch}/400, stopped)"
    assert d2v.embeddings_ is not None and d2v.embeddings_.shape == (len(docs), 8)
    assert "stopped" in dash.summary_html.value and len(dash.summary()) > 0
    assert not dash.controls["epochs"].disabled
    # a second run after a stop starts clean
    dash.controls["epochs"].value = 2
    dash.fit()
    assert repr(dash) == "TrainingDashboard(Doc2Vec, epoch 2/2, finished)"


def test_errors_are_shown_and_raised():
    dash = TrainingDashboard(trainer(), ["not", "tokenized"])
    with pytest.raises(TypeError, match="tokenize"):
        dash.fit()
    assert dash.state == "failed" and "tokenize" in dash.status.value
    dash.start()
    with pytest.raises(TypeError, match="tokenize"):
        dash.wait(60)
    assert not dash.start_button.disabled  # ready to try again
    with pytest.raises(RuntimeError, match="nothing trained"):
        dash.summary()


def test_labels_are_escaped_in_the_summary(docs):
    tags = [f"<b>doc{i}</b>" for i in range(len(docs))]
    dash = TrainingDashboard(trainer(), docs, labels=tags, preview=[tags[0]]).fit()
    assert "&lt;b&gt;doc0&lt;/b&gt;" in dash.summary_html.value
    assert "<b>doc0</b>" not in dash.summary_html.value
    with pytest.raises(ValueError, match="none of the preview labels"):
        TrainingDashboard(dash.trainer, docs, preview=["missing"]).summary()


def test_static_fallback_and_mimebundle(docs):
    dash = TrainingDashboard(trainer(epochs=2), docs)
    empty = dash.figure()
    assert "no epochs yet" in empty.axes[0].texts[0].get_text()
    dash.fit()
    bundle = dash._repr_mimebundle_()
    assert bundle["text/plain"] == "TrainingDashboard(Doc2Vec, epoch 2/2, finished)"
    assert base64.b64decode(bundle["image/png"]).startswith(PNG)
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == dash.widget.model_id


def test_stop_pressed_before_the_first_epoch_is_not_lost(docs):
    d2v = trainer(epochs=400)
    dash = TrainingDashboard(d2v, docs)
    dash.start()
    dash.stop()  # most likely while the vocabulary is being built
    dash.wait(60)
    assert dash.state == "stopped" and 1 <= dash.epoch < 400


def test_word2vec_loss_is_charted(docs):
    w2v = ek.train.Word2Vec(vector_size=8, min_count=2, epochs=3, deterministic=True)
    dash = w2v.dashboard(docs, preview=["police", "fire"])
    assert isinstance(dash.controls["sg"], w.IntText | w.Dropdown)
    dash.fit()
    assert repr(dash) == "TrainingDashboard(Word2Vec, epoch 3/3, finished)"
    loss_ax = dash.figure().axes[0]
    assert list(loss_ax.lines[0].get_ydata()) == list(w2v.history_["loss"])  # the real loss
    assert list(dash.summary().index.get_level_values("query").unique()) == ["police", "fire"]


def test_a_one_shot_iterator_is_kept_for_every_run(docs):
    with pytest.warns(UserWarning, match="one-shot iterator"):
        dash = TrainingDashboard(trainer(epochs=1), iter(docs))
    dash.fit()
    dash.fit()  # the second run trains on all documents too
    assert dash.trainer.embeddings_.shape == (len(docs), 8)


# ----------------------------------------------------------------------------- the learner's words
@pytest.fixture(scope="module")
def wiki():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # long articles split: expected here
        return ek.train.check_corpus(ek.datasets.wiki_sample()[:40])


def _help_lines(dash):
    grid = dash.widget.children[1]
    return {
        cell.children[0].description: cell.children[1].value
        for cell in grid.children
        if isinstance(cell, w.VBox)
    }


def test_controls_say_what_they_mean_with_a_help_line():
    w2v = ek.train.Word2Vec(sg=1, hs=0)
    dash = TrainingDashboard(w2v, [["a", "b"]])
    arch = dash.controls["sg"]
    assert arch.description == "architecture"
    assert [label for label, _ in arch.options] == [
        "auto (skip-gram on small corpora)", "skip-gram", "CBOW"]  # fmt: skip
    assert arch.label == "skip-gram"
    hs = dash.controls["hs"]
    assert hs.description == "hierarchical softmax" and hs.label == "off"
    assert dash.controls["cbow_mean"].label == "mean"
    threads = dash.controls["workers"]
    assert threads.description == "threads" and threads.value == default_workers(None)
    helps = _help_lines(dash)
    assert "CBOW predicts a word from its context" in helps["architecture"]
    assert "this machine's cores" in helps["threads"]
    assert all(helps.values()) and len(helps) == len(dash.controls)  # every control helped
    # editing by meaning sets the trainer's parameter
    arch.label = "CBOW"
    hs.label = "on"
    dash.controls["track"].value = True
    assert (w2v.sg, w2v.hs, w2v.track) == (0, 1, True)
    dash.controls["track"].value = False
    assert w2v.track is None


@pytest.mark.filterwarnings("ignore::embedkit.errors.CollapseWarning")
def test_preview_scores_have_enough_digits_to_differ(wiki):
    # one CBOW epoch on a small corpus: every neighbour scores about 0.99
    w2v = ek.train.Word2Vec(vector_size=10, min_count=5, sg=0, epochs=1, deterministic=True)
    dash = TrainingDashboard(w2v, wiki, preview=["war", "music"], n_neighbours=3)
    dash.fit()
    scores = dash.summary()["score"].to_numpy()
    assert (scores > 0.95).all() and len(set(scores.round(2))) < len(set(scores))
    shown = [
        part.split("(")[-1].rstrip(")")
        for part in dash.summary_html.value.split("</b></td><td>")[1].split("</td>")[0].split(", ")
    ]
    assert len(set(shown)) == 3 and all(len(x.split(".")[1]) >= 3 for x in shown)


@pytest.mark.filterwarnings("ignore::embedkit.errors.CollapseWarning")
def test_a_word_trainer_gets_wordsim353_when_its_corpus_covers_it(wiki):
    w2v = ek.train.Word2Vec(vector_size=10, min_count=5, epochs=2, deterministic=True)
    dash = TrainingDashboard(w2v, wiki)
    dash.fit()
    assert dash.default_probe.startswith("WordSim353 Spearman (")
    assert "wordsim353_spearman" in w2v.history_ and w2v.probes is None
    assert "wordsim353_spearman" in dash.history
    # no default for documents, nor for a corpus without English words
    d2v = Doc2Vec(vector_size=4, min_count=2, epochs=1)
    TrainingDashboard(d2v, wiki[:10]).fit()
    assert "wordsim353_spearman" not in d2v.history_
    other = TrainingDashboard(
        ek.train.Word2Vec(vector_size=4, min_count=1, epochs=1), [["x1", "x2", "x3"]] * 20
    )
    other.fit()
    assert other.default_probe is None


def test_training_warnings_are_shown_naming_the_users_call(docs):
    bad = [*docs[:20], ["qqqq"]]  # a document with no word left after min_count
    dash = TrainingDashboard(trainer(epochs=1), bad)
    with pytest.warns(ek.errors.EmbedkitWarning, match="no word left"):
        dash.fit()  # the line the widget names
    line = dash._caller[1]
    assert "no word left after min_count" in dash.warnings_html.value
    assert f"from your call at test_dashboard.py:{line}" in dash.warnings_html.value
    # from the background thread, the call that started it is named
    dash = TrainingDashboard(trainer(epochs=1), bad)
    dash.start()
    start_line = dash._caller[1]
    dash.wait(60)
    assert start_line != line and f"test_dashboard.py:{start_line}" in dash.warnings_html.value


@pytest.mark.filterwarnings("ignore::embedkit.errors.CollapseWarning")
def test_settling_is_charted_with_a_timeline(wiki):
    w2v = ek.train.Word2Vec(vector_size=10, min_count=5, epochs=3, deterministic=True, track=200)
    dash = TrainingDashboard(w2v, wiki).fit()
    fig = dash.figure()
    assert len(fig.axes) == 3
    settling_ax = fig.axes[2]
    assert settling_ax.get_title() == "when has it stopped moving?"
    assert list(settling_ax.lines[0].get_ydata())[1:] == w2v.history_["settling"].tolist()[1:]
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert "settling" not in labels  # its own chart, not among the metrics
