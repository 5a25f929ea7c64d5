"""The dashboard's parameter controls, in the learner's words.

Each trainer parameter the dashboard can edit becomes an ipywidgets control with a label
a learner understands (``sg`` reads "architecture: skip-gram / CBOW"), the meaning of each
choice and a help line (:data:`HELP`).

>>> control("sg", 1, (0, 1)).label
'skip-gram'
>>> HELP["window"]
'context words on each side of a word'
"""

from __future__ import annotations

from typing import Any

from ..train.params import default_workers

# Controls in the learner's words: a label, the meaning of each choice, a help line.
CHOICE_NAMES: dict[str, dict[Any, str]] = {
    "sg": {"auto": "auto (skip-gram on small corpora)", 1: "skip-gram", 0: "CBOW"},
    "hs": {0: "off", 1: "on"},
    "cbow_mean": {1: "mean", 0: "sum"},
    "dm": {0: "PV-DBOW", 1: "PV-DM"},
    "dbow_words": {0: "off", 1: "on"},
}
LABELS = {
    "sg": "architecture", "hs": "hierarchical softmax", "cbow_mean": "CBOW context",
    "dm": "architecture", "dbow_words": "also word vectors", "workers": "threads",
    "vector_size": "dimensions", "min_count": "min count", "ns_exponent": "noise exponent",
    "learning_rate": "learning rate", "min_learning_rate": "final learning rate",
    "track": "record a timeline", "x_max": "x_max", "batch_size": "batch size",
    "weight_decay": "weight decay", "image_size": "image size", "factors": "dimensions",
    "reg": "regularisation", "thumbnail_size": "thumbnail size", "min_rating": "min rating",
}  # fmt: skip
HELP = {
    "vector_size": "numbers per vector; more can hold more, needs more data",
    "window": "context words on each side of a word",
    "min_count": "words rarer than this are dropped",
    "sg": "skip-gram predicts the context from a word (better on small corpora); "
    "CBOW predicts a word from its context (faster)",
    "hs": "hierarchical softmax instead of (or with) negative sampling",
    "negative": "noise words contrasted with each real one (0: none)",
    "ns_exponent": "shape of the noise distribution (0.75 as in the paper)",
    "cbow_mean": "CBOW averages (mean) or adds (sum) the context vectors",
    "sample": "frequent words are skipped this often (smaller: more skipped)",
    "learning_rate": "step size at the start of training",
    "min_learning_rate": "step size at the end (it decays linearly)",
    "epochs": "passes over the data",
    "workers": "training threads; the default is this machine's cores",
    "seed": "random seed: the same seed gives the same start",
    "deterministic": "one thread, so two runs give the same vectors",
    "track": "keep 2,000 rows' vectors per epoch: a map to play, a settling curve",
    "dm": "PV-DBOW learns documents alone (fast, good); PV-DM also uses word order",
    "dbow_words": "train word vectors alongside (slower)",
    "min_n": "shortest character n-gram",
    "max_n": "longest character n-gram",
    "bucket": "hash slots for n-gram vectors (memory)",
    "x_max": "co-occurrence count given full weight ('auto': from the data)",
    "alpha": "weighting exponent (0.75 as in the paper); not a learning rate",
    "batch_size": "examples per optimisation step",
    "backbone": "the network ('small': a compact ResNet for CPUs)",
    "augment": "random rotations and shifts of the training images",
    "image_size": "images are resized to this many pixels",
    "weight_decay": "pull on the weights towards zero (regularisation)",
    "device": "where torch trains ('auto': a GPU when there is one)",
    "thumbnail_size": "pixels of the thumbnails shown with the results",
    "kind": "explicit: predict ratings; implicit: rank the items a user chose",
    "factors": "numbers per user and item vector",
    "reg": "pull on the vectors towards zero (regularisation)",
    "negatives": "unchosen items sampled per chosen one (implicit)",
    "min_rating": "only items rated at least this count as liked",
}


def control(name: str, value: Any, choices: tuple[Any, ...] | None) -> Any:
    """An ipywidgets control for one parameter, or None for a type it cannot edit."""
    import ipywidgets as w

    if name == "workers" and value is None:  # "the machine's cores": show how many
        value = default_workers(None)
    label = LABELS.get(name, name)
    style = {"description_width": "initial"}
    layout = w.Layout(width="auto")
    if name == "track":  # on: True (2,000 rows), off: None; a list of labels shows as on
        return w.Checkbox(value=bool(value), description=label, indent=False, layout=layout)
    if choices:
        names = CHOICE_NAMES.get(name, {})
        options = [(names.get(c, str(c)), c) for c in choices]
        if value not in choices:
            options.append((names.get(value, str(value)), value))
        return w.Dropdown(options=options, value=value, description=label, style=style)
    if isinstance(value, bool):
        return w.Checkbox(value=value, description=label, indent=False, layout=layout)
    if isinstance(value, int):
        return w.IntText(value=value, description=label, style=style, layout=layout)
    if isinstance(value, float):
        return w.FloatText(value=value, description=label, style=style, layout=layout)
    if isinstance(value, str):
        return w.Text(value=value, description=label, style=style, layout=layout)
    return None
