"""Hostile saved notebooks and projector exports in real JupyterLab + Chromium, NO kernel.

A notebook nobody trusted can hold any JSON under the snapshot MIME type. Each case below
(a payload made by ``Projector.to_static()``, then broken) is one saved output, with and
without its ``image/png`` fallback, all in ONE notebook opened once. Every output must show
a plain-text message naming the problem (or, for hostile but valid data, draw with the
text shown as text), and the page must never run script (no dialog), never throw uncaught
and stay responsive. Hostile ``vectors.tsv`` files open in the same page through the
document manager (what a double click in the file browser runs).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

import embedkit as ek
from embedkit.widgets.projector import Projector
from embedkit.widgets.snapshot import MIME_TYPE

pytestmark = [pytest.mark.browser, pytest.mark.slow]

XSS = "<img src=x onerror=alert(1)><script>alert(2)</script>"
SHOWN = "embedkit snapshot could not be shown: "
PICTURE = " (the saved picture is shown instead)"
Payload = dict[str, Any]


def _arr(values: Any, dtype: str, shape: list[int] | None = None) -> dict[str, Any]:
    import base64

    a = np.asarray(values, dtype=dtype)
    b64 = base64.b64encode(a.astype(a.dtype.newbyteorder("<")).tobytes()).decode("ascii")
    return {"dtype": dtype, "shape": list(a.shape) if shape is None else shape, "b64": b64}


def put(path: str, value: Any) -> Callable[[Payload], Any]:
    """Set ``path`` (dotted keys) in the payload to ``value``."""

    def make(p: Payload) -> Any:
        *head, last = path.split(".")
        node = p
        for key in head:
            node = node[key]
        node[last] = value
        return p

    return make


def drop(key: str) -> Callable[[Payload], Any]:
    def make(p: Payload) -> Any:
        del p[key]
        return p

    return make


def xy_at(i: int, value: float) -> Callable[[Payload], Any]:
    xy = np.c_[np.arange(4), np.arange(4) % 2].astype("float32")
    xy[i, 1] = value
    return put("xy", _arr(xy, "float32"))


def everything_hostile(p: Payload) -> Any:
    """Valid, but HTML and script in every string field: must draw, text as text."""
    p.update(method=XSS, metric=XSS, subsample=XSS, labels=[XSS, "w1", "w2", XSS])
    p["fields"] = {XSS: [XSS] * 4, "constructor": ["a", "b", "c", "d"]}
    p["color"].update(column=XSS, legend=[{"name": XSS}, {"name": "<b>g1</b>"}])
    p["neighbours"]["metric"] = XSS
    p["map_labels"] = {"order": _arr([0, 3, 1, 2], "uint16"), "max": 10}  # XSS drawn first
    return p


def continuous_hostile(p: Payload) -> Any:
    p["color"] = {
        "kind": "continuous",
        "column": XSS,
        "legend": [],
        "min": XSS,
        "max": XSS,
        "values": _arr([0, 0.25, 0.5, 1], "float32"),
    }
    return p


def _timeline_payload() -> Payload:
    """A valid timeline for the 4 points of the base payload (2 epochs, k=2), with an
    HTML-looking metric name."""
    import pandas as pd

    from embedkit.timeline import Timeline
    from embedkit.widgets.snapshot import snapshot

    rng = np.random.default_rng(1)
    xy = np.c_[np.arange(4), np.arange(4) % 2].astype("float32")
    tl = Timeline(
        ["w0", "w1", "w2", XSS], epochs=[1, 2], vectors=rng.normal(size=(2, 4, 5)),
        coords=np.stack([xy[::-1], xy]),
        metrics=pd.DataFrame({"epoch": [1, 2], "loss": [2.0, 1.0], XSS: [0.5, 0.25]}),
    )  # fmt: skip
    return snapshot(tl, k=2).payload["timeline"]


TIMELINE = _timeline_payload()


def timeline(*changes: Callable[[Payload], Any]) -> Callable[[Payload], Any]:
    """The base payload with a timeline, then ``changes`` (paths under ``timeline.``)."""

    def make(p: Payload) -> Any:
        p["timeline"] = copy.deepcopy(TIMELINE)
        for change in changes:
            p = change(p)
        return p

    return make


TL_XY_NAN = np.stack([np.zeros((4, 2)), np.c_[np.arange(4), np.arange(4)]]).astype("float32")
TL_XY_NAN[0, 2, 0] = np.nan


@dataclass(frozen=True)
class Case:
    id: str
    make: Callable[[Payload], Any]
    expect: str | None  # a part of the message; None: draws
    pngs: tuple[str, ...] = ("png", "no-png")


CASES = [
    # hostile but valid: drawn, every string as text (huge finite coordinates are fitted)
    Case("xss-everywhere", everything_hostile, None),
    Case("xss-continuous", continuous_hostile, None, ("no-png",)),
    Case("huge-finite-xy", xy_at(2, 3e38), None, ("no-png",)),
    # not a snapshot at all
    Case("payload-text", lambda p: XSS, 'the payload is the text "<img'),
    Case("payload-list", lambda p: [1, 2, 3], "the payload is a list of 3, expected an object"),
    Case("payload-number", lambda p: 42, "the payload is 42"),
    Case("version-2", put("version", 2), "unsupported snapshot version 2"),
    Case("version-missing", drop("version"), "unsupported snapshot version missing"),
    # labels
    Case("labels-missing", drop("labels"), "labels is missing, expected a list of text"),
    Case("labels-object", put("labels", {"0": "a"}), "labels is an object"),
    Case("labels-number", put("labels", ["a", "b", 7, "d"]), "labels[2] is 7, expected text"),
    Case("labels-null-entry", put("labels", ["a", None, "c", "d"]), "labels[1] is null"),
    Case("labels-empty", put("labels", []), "labels is empty"),
    Case(
        "labels-2M", put("labels", [0] * 2_000_000), "labels holds 2,000,000 entries", ("no-png",)
    ),
    # coordinates
    Case(
        "xy-3-for-4", put("xy", _arr(np.zeros((3, 2)), "float32")), "xy holds 3 points for 4 labels"
    ),
    Case(
        "xy-claims-10M",
        put("xy.shape", [10_000_000, 2]),
        "xy: shape claims 10,000,000 points; a snapshot shows at most 1,000,000",
    ),
    Case("xy-shape-3d", put("xy.shape", [4, 3]), "xy: shape [4, 3] is not [points, 2]"),
    Case("xy-shape-text", put("xy.shape", ["4", "2"]), 'xy: shape[0] is the text "4"'),
    Case("xy-shape-negative", put("xy.shape", [-4, -2]), "xy: shape[0] is -4"),
    Case("xy-nan", xy_at(3, np.nan), "xy: 1 of 4 points has coordinates that are not finite"),
    Case("xy-infinity", xy_at(1, np.inf), "the first is point 1"),
    Case("xy-bad-base64", put("xy.b64", "!@#$" * 11), "xy: not valid base64"),
    Case("xy-short-base64", put("xy.b64", "AAAA"), "xy: 4 characters of base64"),
    Case("xy-b64-number", put("xy.b64", 12), "xy: b64 is 12, expected base64 text"),
    Case("xy-dtype-float64", put("xy.dtype", "float64"), 'xy: dtype "float64" is not supported'),
    Case("xy-dtype-script", put("xy.dtype", XSS), 'xy: dtype "<img src=x'),
    Case("xy-missing", drop("xy"), "xy is missing"),
    Case("xy-list", put("xy", [0, 0, 1, 1]), "xy is a list of 4"),
    # scalars
    Case("method-missing", drop("method"), "method is missing, expected text"),
    Case("method-number", put("method", 5), "method is 5, expected text"),
    Case("metric-object", put("metric", {"a": 1}), "metric is an object"),
    Case(
        "method-1M-chars",
        put("method", "x" * 1_000_000),
        "method is 1,000,000 characters long",
        ("no-png",),
    ),
    Case("k-1e9", put("k", 1_000_000_000), "k is 1000000000, expected a whole number"),
    Case("k-text", put("k", "10"), 'k is the text "10"'),
    Case("k-fraction", put("k", 2.5), "k is 2.5"),
    Case("height-1e9", put("height", 1_000_000_000), "height is 1000000000"),
    Case("height-negative", put("height", -5), "height is -5"),
    Case("height-text", put("height", "480px"), 'height is the text "480px"'),
    Case("n-total-text", put("n_total", "lots"), 'n_total is the text "lots"'),
    Case("subsample-number", put("subsample", 3), "subsample is 3, expected text"),
    # metadata
    Case("fields-list", put("fields", [["a"]]), "fields is a list of 1"),
    Case(
        "fields-short",
        put("fields.group", ["g0", "g1", "g0"]),
        'fields["group"] holds 3 values for 4 labels',
    ),
    Case("fields-numbers", put("fields.group", [1, 2, 3, 4]), 'fields["group"][0] is 1'),
    Case(
        "fields-1000-columns",
        put("fields", {f"c{i}": ["x"] * 4 for i in range(1000)}),
        "fields has 1,000 columns",
    ),
    # colours
    Case("color-kind-script", put("color.kind", XSS), 'color.kind is the text "<img'),
    Case("color-column-null", put("color.column", None), "color.column is null"),
    Case("color-legend-text", put("color.legend", XSS), "color.legend is the text"),
    Case(
        "color-legend-name-number",
        put("color.legend", [{"name": 3}, {"name": "b"}]),
        "color.legend[0].name is 3",
    ),
    Case(
        "color-legend-100k",
        put("color.legend", [{"name": "x"}] * 5000),
        "color.legend has 5,000 entries",
    ),
    Case(
        "color-values-short",
        put("color.values", _arr([0, 1, 0], "float32")),
        "color.values holds 3 values for 4 labels",
    ),
    Case(
        "color-code-out-of-range",
        put("color.values", _arr([0, 7, 0, 1], "float32")),
        "color.values[1] is 7, expected a category code from 0 to 1",
    ),
    Case(
        "color-continuous-nan",
        lambda p: put("color.values", _arr([np.nan, 0, 0, 1], "float32"))(continuous_hostile(p)),
        "color.values[0] is NaN, expected a value from 0 to 1",
    ),
    Case(
        "color-min-number",
        lambda p: put("color.min", 0)(continuous_hostile(p)),
        "color.min is 0, expected text",
    ),
    # labels on the map
    Case("map-labels-text", put("map_labels", XSS), "map_labels is the text", ("no-png",)),
    Case(
        "map-labels-out-of-range",
        put("map_labels", {"order": _arr([0, 9], "uint32"), "max": 5}),
        "map_labels.order holds 9, but there are 4 points",
        ("no-png",),
    ),
    Case(
        "map-labels-max-negative",
        put("map_labels", {"order": _arr([0], "uint16"), "max": -1}),
        "map_labels.max is -1, expected a whole number",
        ("no-png",),
    ),
    # stored neighbours
    Case("neighbours-text", put("neighbours", XSS), "neighbours is the text"),
    Case("neighbours-k-1e9", put("neighbours.k", 1_000_000_000), "neighbours.k is 1000000000"),
    Case(
        "neighbours-index-out-of-range",
        put("neighbours.indices", _arr([[1, 99], [0, 2], [0, 1], [0, 1]], "uint16")),
        "neighbours.indices holds 99, but there are 4 points",
    ),
    Case(
        "neighbours-too-few",
        put("neighbours.indices", _arr([1, 2, 3, 0, 1, 2], "uint32")),
        "neighbours.indices holds 6 values for 4 points × k=2",
    ),
    Case(
        "neighbours-scores-uint8",
        put("neighbours.scores.dtype", "uint8"),
        'neighbours.scores: dtype "uint8" is not supported',
    ),
    # a training timeline (frames, epochs, metrics, per-frame neighbours)
    Case("timeline-xss", timeline(), None, ("no-png",)),
    Case("timeline-text", put("timeline", XSS), "timeline is the text", ("no-png",)),
    Case(
        "timeline-no-epochs",
        timeline(put("timeline.epochs", [])),
        "timeline.epochs holds 0 epochs, expected 1 to 10,000",
        ("no-png",),
    ),
    Case(
        "timeline-10001-epochs",
        timeline(put("timeline.epochs", list(range(10_001)))),
        "timeline.epochs holds 10,001 epochs",
        ("no-png",),
    ),
    Case(
        "timeline-epochs-decrease",
        timeline(put("timeline.epochs", [2, 1])),
        "timeline.epochs[1] is 1, expected a whole number from 3",
        ("no-png",),
    ),
    Case(
        "timeline-frame-out-of-range",
        timeline(put("timeline.frame", 5)),
        "timeline.frame is 5, expected a whole number from 0 to 1",
    ),
    Case(
        "timeline-xy-3-points",
        timeline(put("timeline.xy", _arr(np.zeros((2, 3, 2)), "float32"))),
        "timeline.xy: shape [2, 3, 2] is not [2 epochs, 4 points, 2]",
        ("no-png",),
    ),
    Case(
        "timeline-xy-4d",
        timeline(put("timeline.xy.shape", [2, 4, 2, 1])),
        "timeline.xy: shape is a list of 4, expected a list of 1 to 3 sizes",
        ("no-png",),
    ),
    Case(
        "timeline-xy-nan",
        timeline(put("timeline.xy", _arr(TL_XY_NAN, "float32"))),
        'timeline.xy: 1 coordinates are not finite numbers, the first is point 2 ("w2") at epoch 1',
        ("no-png",),
    ),
    Case(
        "timeline-metrics-short-row",
        timeline(put("timeline.metrics.values", [[1.0], [2.0, 3.0]])),
        "timeline.metrics.values[0] is a list of 1, expected 2 numbers",
        ("no-png",),
    ),
    Case(
        "timeline-metrics-text",
        timeline(put("timeline.metrics.values", [["1", 2.0], [2.0, 3.0]])),
        'timeline.metrics.values[0][0] is the text "1", expected a number or null',
        ("no-png",),
    ),
    Case(
        "timeline-neighbours-out-of-range",
        timeline(put("timeline.neighbours.indices", _arr(np.full((2, 4, 2), 9), "uint16"))),
        "timeline.neighbours.indices holds 9, but there are 4 points",
        ("no-png",),
    ),
    Case(
        "timeline-neighbours-shape",
        timeline(put("timeline.neighbours.indices", _arr(np.zeros((2, 4, 3)), "uint16"))),
        "timeline.neighbours.indices: shape [2, 4, 3] is not [2 epochs, 4 points, k=2]",
        ("no-png",),
    ),
    Case(
        "timeline-scores-uint8",
        timeline(put("timeline.neighbours.scores.dtype", "uint8")),
        'timeline.neighbours.scores: dtype "uint8" is not supported',
        ("no-png",),
    ),
    # a broken fallback picture: the message, no picture
    Case("bad-picture", put("version", 3), "unsupported snapshot version 3", ("bad-png",)),
]
OUTPUTS = [(case, png) for case in CASES for png in case.pngs]
TSV_CASES = {
    # folder: (vectors.tsv bytes, metadata.tsv bytes or None, expected message part or None)
    "ragged": (b"1\t2\n3\t4\n5\n", None, "vectors.tsv line 3: 1 value, expected 2"),
    "nan": (b"1\t2\n3\tNaN\n", None, 'vectors.tsv line 2, column 2: "NaN" is not a finite'),
    "inf": (b"1\t2\ninf\t4\n", None, '"inf" is not a finite number'),
    "empty": (b"", None, "vectors.tsv is empty"),
    "blank-lines": (b"\n\n\r\n", None, "vectors.tsv is empty"),
    "columns": (b"1\t" * 50_000 + b"1\n", None, "50,001 values per row"),
    "rows": (b"1\t2\n" * 200_000, None, "vectors.tsv has 200,000 rows"),
    "garbage": (
        b"\x00\x01\x7f<script>alert(1)</script>\t\x1b[31m\n",
        None,
        'line 1, column 1: "\\u0000\\u0001',
    ),
    "not-utf8": (bytes(range(256)) * 4, None, None),
    "metadata-rows": (b"1\t2\n3\t4\n", b"a\nb\nc\n", "metadata.tsv has 3 rows for 2 vectors"),
    # hostile but valid: CRLF, huge magnitudes, HTML labels, 100 columns, __proto__
    "html-crlf": (
        b"1e300\t2\r\n-1e300\t5\r\n0\t0\r\n",
        ("label\t__proto__" + "\tc" * 99 + "\r\n" + f"{XSS}\tp\r\nw1\tq\r\n<b>w2</b>\r\n").encode(),
        None,
    ),
}


@pytest.fixture(scope="module")
def hostile(nokernel_lab: Any, browser: Any, ui: Any) -> Iterator[Any]:
    """One page: the hostile notebook open, every output rendered."""
    rng = np.random.default_rng(0)
    labels = ["w0", "w1", "w2", XSS]
    emb = ek.Embeddings(labels, rng.normal(size=(4, 5)), metadata={"group": ["g0", "g1"] * 2})
    coords = np.c_[np.arange(4), np.arange(4) % 2].astype("float32")
    bundle = Projector(emb, method=coords, color="group", k=2).to_static()._repr_mimebundle_()
    cells = []
    for case, png in OUTPUTS:
        data: dict[str, Any] = {MIME_TYPE: case.make(copy.deepcopy(bundle[MIME_TYPE]))}
        if png == "png":
            data["image/png"] = bundle["image/png"]
        elif png == "bad-png":
            data["image/png"] = '" onerror="alert(3)" x="'
        data["text/plain"] = XSS
        cells.append((f"# {case.id} ({png})", [ui.display_output(data)]))
    root = nokernel_lab.root
    ui.write_output_notebook(root / "hostile.ipynb", cells)
    for name, (vectors, metadata, _) in TSV_CASES.items():
        (root / "tsv" / name).mkdir(parents=True)
        (root / "tsv" / name / "vectors.tsv").write_bytes(vectors)
        if metadata is not None:
            (root / "tsv" / name / "metadata.tsv").write_bytes(metadata)
    t0 = time.monotonic()
    page = ui.open_page(browser, nokernel_lab, "hostile.ipynb")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    ui.no_kernel(page)
    page.locator(".jp-Notebook .jp-Cell").nth(len(OUTPUTS) - 1).wait_for(timeout=60_000)
    page.loaded_in = time.monotonic() - t0
    yield page
    ui.screenshot(page, "labextension-hostile")
    page.close()


def _page_is_sound(page: Any) -> None:
    """No dialog (script ran), no uncaught error, no injected element, still responsive."""
    t0 = time.monotonic()
    page.wait_for_function("() => true", timeout=5_000)
    assert time.monotonic() - t0 < 5
    assert page.dialogs == [], page.dialogs
    assert page.errors == [], page.errors
    assert page.locator("img[src='x']").count() == 0
    assert page.locator(".jp-OutputArea-output script").count() == 0


@pytest.mark.parametrize(("case", "png"), OUTPUTS, ids=[f"{c.id}-{p}" for c, p in OUTPUTS])
def test_hostile_snapshot_output(hostile: Any, case: Case, png: str) -> None:
    cell = hostile.locator(".jp-Notebook .jp-Cell").nth(OUTPUTS.index((case, png)))
    assert cell.locator(".jp-InputArea-editor").inner_text().strip().startswith(f"# {case.id} ")
    out = cell.locator(".jp-OutputArea-output.embedkit-snapshot")
    if case.expect is None:
        out.locator(".embedkit-projector[data-drawn='1']").wait_for(timeout=60_000)
        assert out.locator(".ek-error").count() == 0
        assert out.locator("img").count() == 0  # the renderer won, not the picture
        legend = out.locator(".ek-legend h4").all_text_contents()
        if case.id.startswith("xss"):
            assert legend == [XSS]
        if case.id == "xss-everywhere":
            assert XSS in out.locator(".ek-status").text_content()
            assert out.locator(".ek-note").text_content() == XSS
            names = out.locator(".ek-legend-name").all_text_contents()
            assert names == [XSS, "<b>g1</b>"]
            drawn = out.locator(".embedkit-projector").evaluate(
                "el => el.__embedkitView.labelsDrawn().map((d) => d.text)"
            )
            # drawn on the canvas as text (cut to 32 characters), most important first
            assert drawn[0] == XSS[:31] + "…"
        if case.id == "xss-continuous":
            assert out.locator(".ek-ramp-ends span").all_text_contents() == [XSS, XSS]
        if case.id == "timeline-xss":
            assert out.locator(".ek-epoch").text_content() == "epoch 2 / 2"
            assert out.locator(".ek-metrics").text_content() == f"loss 1 · {XSS} 0.25"
    else:
        error = out.locator(".ek-error")
        error.wait_for(timeout=30_000)
        text = error.text_content()
        assert text.startswith(SHOWN), text
        assert case.expect in text, text
        picture = out.locator("img.ek-fallback")
        if png == "png":
            assert text.endswith(PICTURE)
            assert picture.evaluate("img => img.complete && img.naturalWidth") > 100
        else:
            assert not text.endswith(PICTURE) and picture.count() == 0
        assert out.locator(".embedkit-projector").count() == 0
    _page_is_sound(hostile)


@pytest.mark.parametrize("name", list(TSV_CASES))
def test_hostile_projector_export(hostile: Any, name: str) -> None:
    """Open ``tsv/<name>/vectors.tsv`` as a double click in the file browser would."""
    *_, expect = TSV_CASES[name]
    widget_id = hostile.evaluate(
        """async (path) => {
            const w = await window.jupyterapp.commands.execute("docmanager:open", {path});
            return w.id;
        }""",
        f"tsv/{name}/vectors.tsv",
    )
    widget = hostile.locator(f"[id='{widget_id}']")
    try:
        if name == "html-crlf":
            widget.locator(".embedkit-projector[data-drawn='1']").wait_for(timeout=60_000)
            note = widget.locator(".ek-note").text_content()
            assert "3 vectors × 2 dimensions" in note and "68 more left out" in note, note
            widget.locator(".ek-search").fill("<")
            widget.locator(".ek-count").get_by_text("2 matches").wait_for(timeout=10_000)
            assert widget.locator(".ek-match").all_text_contents() == [XSS, "<b>w2</b>"]
        elif name == "not-utf8":  # JupyterLab refuses the file before the viewer sees it
            dialog = hostile.locator(".jp-Dialog").filter(has_text="is not UTF-8 encoded")
            dialog.wait_for(timeout=30_000)
            dialog.get_by_role("button", name="Close").click()
            dialog.wait_for(state="detached", timeout=10_000)
        else:
            error = widget.locator(".embedkit-snapshot .ek-error")
            error.wait_for(timeout=30_000)
            text = error.text_content()
            assert text.startswith("This projector export could not be shown: "), text
            assert expect in text, text
        _page_is_sound(hostile)
    finally:
        hostile.evaluate(
            "(id) => { for (const w of window.jupyterapp.shell.widgets('main'))"
            " if (w.id === id) w.dispose(); }",
            widget_id,
        )


def test_one_page_load_is_quick(hostile: Any) -> None:
    assert hostile.loaded_in < 60, f"the hostile notebook took {hostile.loaded_in:.1f} s"
    _page_is_sound(hostile)
