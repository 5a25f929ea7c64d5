"""embedkit.io: every format round-trips, gensim reads our files and we read its files,
and every kind of bad file gives an error naming the file and the line (or byte offset)."""

from __future__ import annotations

import gzip
import re
import struct
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import embedkit as ek
from embedkit import io
from embedkit.io import FormatError

# Labels that break naive readers: NaN-like words, quotes, comment signs, unicode.
TRICKY = ["nan", "NaN", "null", "NA", "None", "#", "#comment", '"quoted', "'", "it's",
          "<img/src=x/onerror=alert(1)>", "naïve", "日本語", "emoji🙂", "-", "1e3", "007",
          "true", "\\n", "tab\tinside", "%s", "''"]  # fmt: skip
HTML = "<img src=x onerror=alert(1)>"


def make(labels: list[str], dim: int = 4, seed: int = 0, **kw: object) -> ek.Embeddings:
    rng = np.random.default_rng(seed)
    vecs = rng.normal(size=(len(labels), dim)).astype(np.float32)
    vecs[0, 0] = 1e-30  # tiny, and a large value: both must survive text
    vecs[-1, -1] = 3.4e38
    return ek.Embeddings(labels, vecs, **kw)  # type: ignore[arg-type]


def same(a: ek.Embeddings, b: ek.Embeddings) -> None:
    assert a.labels == b.labels
    np.testing.assert_array_equal(a.vectors, b.vectors)


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.fixture
def emb() -> ek.Embeddings:
    return make([*TRICKY, *(f"w{i}" for i in range(30))])


# ----------------------------------------------------------------------------- round trips
@pytest.mark.parametrize(
    ("name", "fmt", "writer"),
    [
        ("v.txt", "word2vec", lambda e, p: io.save_word2vec(e, p)),
        ("v.vec", "fasttext", lambda e, p: io.save_word2vec(e, p)),
        ("v.txt.gz", "word2vec", lambda e, p: io.save_word2vec(e, p)),
        ("v.bin", "word2vec-binary", lambda e, p: io.save_word2vec(e, p, binary=True)),
        ("v.data", "word2vec-binary", lambda e, p: io.save_word2vec(e, p, binary=True)),
        ("glove.txt", "glove", io.save_glove),
        ("glove.txt.gz", "glove", io.save_glove),
        ("e.npz", "npz", io.save_npz),
    ],
)
def test_round_trip_every_format(tmp_path, emb, name, fmt, writer):
    path = writer(emb, tmp_path / name)
    assert io.detect_format(path) == fmt
    same(ek.load(path), emb)
    same(ek.load(path, format=fmt), emb)


def test_text_keeps_labels_verbatim(tmp_path):
    path = write(tmp_path / "g.txt", "nan 1 2\nnull 3 4\n\"a 5 6\n#x 7 8\nNA 9 10\n''' 1 1\n")
    emb = ek.load(path)
    assert emb.labels == ["nan", "null", '"a', "#x", "NA", "'''"]
    assert emb["null"].tolist() == [3.0, 4.0]


def test_word2vec_text_with_trailing_spaces_and_crlf(tmp_path):
    path = write(tmp_path / "w.txt", "3 2 \r\na 1 2 \r\nb 3 4  \r\nc 5 6\r\n\r\n")
    emb = ek.load(path)
    assert emb.labels == ["a", "b", "c"]
    assert emb.vectors.tolist() == [[1, 2], [3, 4], [5, 6]]


def test_save_returns_path_and_method_delegates(tmp_path, emb):
    out = emb.save(tmp_path / "noext")
    assert out == tmp_path / "noext.npz" and out.exists()
    same(ek.load(out), emb)


def test_writer_refuses_labels_the_format_cannot_hold(tmp_path):
    bad = ek.Embeddings(["ok", HTML], np.eye(2))
    with pytest.raises(ValueError, match=r"row 1.*space"):
        io.save_word2vec(bad, tmp_path / "x.txt")
    assert not (tmp_path / "x.txt").exists()  # nothing half-written


# ----------------------------------------------------------------------------- gensim
def test_gensim_reads_our_files(tmp_path, emb):
    from gensim.models import KeyedVectors

    cases = [
        (io.save_word2vec(emb, tmp_path / "a.txt"), {}),
        (io.save_word2vec(emb, tmp_path / "a.txt.gz"), {}),
        (io.save_word2vec(emb, tmp_path / "a.bin", binary=True), {"binary": True}),
        (io.save_glove(emb, tmp_path / "g.txt"), {"no_header": True}),
    ]
    for path, kw in cases:
        kv = KeyedVectors.load_word2vec_format(str(path), **kw)
        assert kv.index_to_key == emb.labels, path
        np.testing.assert_array_equal(kv.vectors, emb.vectors)


def test_we_read_gensim_files(tmp_path, emb):
    kv = emb.to_gensim()
    for name, kw in [("k.txt", {}), ("k.bin", {"binary": True}), ("k.txt.gz", {})]:
        kv.save_word2vec_format(str(tmp_path / name), **kw)
        same(ek.load(tmp_path / name), emb)
    kv.save_word2vec_format(str(tmp_path / "nh.txt"), write_header=False)
    same(ek.load(tmp_path / "nh.txt", format="glove"), emb)


# ----------------------------------------------------------------------------- text errors
def error(path: Path, fmt: str | None = None) -> FormatError:
    with pytest.raises(FormatError) as info:
        ek.load(path, format=fmt)
    err = info.value
    assert str(path) in str(err)
    assert isinstance(err, ValueError)
    return err


@pytest.mark.parametrize(
    ("text", "line", "pattern"),
    [
        ("3 2\na 1 2\nb 3 4\n", 4, r"ends after 2 vectors.*promises 3"),
        ("2 2\na 1 2\nb 3 4\nc 5 6\n", 4, r"promises 2 vectors but the file holds more"),
        ("3 2\na 1 2\nb 3\nc 5 6\n", 3, r"expected 2 values after the label 'b', got 1"),
        ("3 2\na 1 2\nb 3 4 5\nc 5 6\n", 3, r"expected 2 values .*'b', got 3"),
        ("2 2\na 1 2\nb 3 x\n", 3, r"value 2 of 'b' is not a number: 'x'"),
        ("2 2\na 1 nan\nb 3 4\n", 2, r"value 2 of 'a' is not finite"),
        ("2 2\na 1 2\nb inf 4\n", 3, r"value 1 of 'b' is not finite"),
        ("2 2\na 1 2\nb 1e60 4\n", 3, r"value 1 of 'b' is not finite"),
        ("2 2\na 1 2\n 3 4\n", 3, r"empty label"),
        ("2 2\na 1  2\nb 3 4\n", 2, r"got 3"),
        ("3 2\na 1 2\nb 3 4\na 5 6\n", 4, r"duplicate label 'a' on lines 2 and 4"),
    ],
)
def test_word2vec_text_errors_name_the_line(tmp_path, text, line, pattern):
    err = error(write(tmp_path / "bad.txt", text))
    assert err.line == line
    assert re.search(pattern, str(err)), str(err)
    assert f"bad.txt, line {line}:" in str(err)


def test_glove_errors_name_the_line(tmp_path):
    err = error(write(tmp_path / "g.txt", "a 1 2\nb 3 4\nc 5\n"))
    assert err.line == 3 and "expected 2 values" in str(err)
    err = error(write(tmp_path / "g.txt", "a 1 2\nb 3 4\na 5 6\n"))
    assert "duplicate label 'a' on lines 1 and 3" in str(err)
    err = error(write(tmp_path / "g.txt", "2 3\na 1 2 3\n"), "glove")
    assert "format='word2vec'" in str(err)
    err = error(write(tmp_path / "g.txt", "a 1 2\n"), "word2vec")
    assert err.line == 1 and "format='glove'" in str(err)


def test_bad_utf8_and_corrupt_gzip(tmp_path):
    path = tmp_path / "u.txt"
    path.write_bytes(b"2 2\na 1 2\n\xff\xfe 3 4\n")
    assert error(path).line == 3
    good = io.save_word2vec(make([f"w{i}" for i in range(3000)], dim=8), tmp_path / "z.txt.gz")
    cut = tmp_path / "cut.txt.gz"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "corrupt or truncated" in str(error(cut))


def test_duplicate_error_among_many_lines(tmp_path):
    labels = [f"w{i}" for i in range(5000)]
    labels[4321] = "w17"
    path = tmp_path / "many.txt"
    path.write_text(
        "".join(f"{w} {i} 1\n" for i, w in enumerate(labels)), encoding="utf-8", newline="\n"
    )
    err = error(path)
    assert "duplicate label 'w17' on lines 18 and 4322" in str(err)


# ----------------------------------------------------------------------------- binary errors
def binary(path: Path, count: int, records: list[tuple[bytes, list[float]]]) -> Path:
    dim = len(records[0][1]) if records else 2
    data = f"{count} {dim}\n".encode() + b"".join(
        w + b" " + struct.pack(f"<{len(v)}f", *v) for w, v in records
    )
    path.write_bytes(data)
    return path


def test_binary_errors_name_the_byte_offset(tmp_path):
    recs = [(b"a", [1.0, 2.0]), (b"b", [3.0, 4.0])]
    err = error(binary(tmp_path / "t.bin", 3, recs))  # header promises more
    assert "ends inside vector 3" in str(err) and "promises 3" in str(err)
    assert err.offset == len(b"3 2\n") + 2 * (2 + 8)
    p = binary(tmp_path / "c.bin", 2, recs)
    p.write_bytes(p.read_bytes()[:-3])  # truncated inside the last vector
    assert "ends inside vector 2" in str(error(p))
    p.write_bytes(binary(tmp_path / "c.bin", 2, recs).read_bytes() + b"junk")
    err = error(p)
    assert "unexpected data" in str(err) and err.offset == len(b"2 2\n") + 20
    err = error(binary(tmp_path / "d.bin", 2, [(b"a", [1, 2]), (b"a", [3, 4])]))
    assert "duplicate label 'a' at byte offsets 4 and 14" in str(err)
    err = error(binary(tmp_path / "n.bin", 2, [(b"a", [1, 2]), (b"b", [float("nan"), 4])]))
    assert "'b'" in str(err) and err.offset == 14
    err = error(binary(tmp_path / "u.bin", 1, [(b"\xff", [1, 2])]))
    assert "UTF-8" in str(err) and err.offset == 4
    (tmp_path / "h.bin").write_bytes(b"not a header\x00\x01")
    assert error(tmp_path / "h.bin").offset == 0


def test_binary_with_newlines_after_vectors_reads(tmp_path):
    # the original C tool writes "\n" after each vector; gensim does not: both read
    path = tmp_path / "c.bin"
    path.write_bytes(
        b"2 2\na " + struct.pack("<2f", 1, 2) + b"\nb " + struct.pack("<2f", 3, 4) + b"\n"
    )
    emb = ek.load(path)
    assert emb.labels == ["a", "b"] and emb.vectors.tolist() == [[1, 2], [3, 4]]


# ----------------------------------------------------------------------------- npz
def rich_metadata(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    text = ["x", None, "日本", float("nan"), HTML, "", "a\x00b", "tab\there"]
    return pd.DataFrame({
        "count": rng.integers(0, 100, n).astype(np.int64),
        "small": rng.integers(0, 5, n).astype(np.uint8),
        "score": rng.normal(size=n),
        "f32": rng.normal(size=n).astype(np.float32),
        "flag": rng.random(n) > 0.5,
        "obj": pd.Series([text[i % len(text)] for i in range(n)], dtype=object),
        "str": pd.Series([None if i % 3 == 0 else f"s{i}é" for i in range(n)], dtype="str"),
        "string": pd.Series([None if i % 4 == 0 else f"t{i}" for i in range(n)], dtype="string"),
        "cat": pd.Categorical([["red", "green", None][i % 3] for i in range(n)]),
        "ordered": pd.Categorical([i % 2 for i in range(n)], categories=[1, 0], ordered=True),
        "when": pd.to_datetime([None if i == 1 else f"2024-01-{i % 28 + 1:02d}" for i in range(n)]),
        "tz": pd.date_range("2024-03-30", periods=n, freq="h", tz="Europe/Paris"),
        "dt": pd.to_timedelta(np.arange(n), unit="s"),
        "Int64": pd.array([None if i == 2 else i for i in range(n)], dtype="Int64"),
        "boolean": pd.array([None if i == 0 else bool(i % 2) for i in range(n)], dtype="boolean"),
        7: np.arange(n, dtype=np.int16),
    })  # fmt: skip


def test_npz_round_trips_metadata_and_images_exactly(tmp_path):
    n = 12
    images = np.random.default_rng(2).integers(0, 256, (n, 8, 8, 3)).astype(np.uint8)
    labels = [HTML, "nan", "null", "日本語", '"q"', *(f"w{i}" for i in range(n - 5))]
    emb = make(labels, metadata=rich_metadata(n), images=images)
    back = io.load_npz(io.save_npz(emb, tmp_path / "rich.npz"))
    same(back, emb)
    pd.testing.assert_frame_equal(back.metadata, emb.metadata, check_exact=True)
    obj = back.metadata["obj"].tolist()
    assert obj[1] is None and isinstance(obj[3], float) and np.isnan(obj[3])
    assert back.images is not None and back.images.dtype == np.uint8
    np.testing.assert_array_equal(back.images, images)


def test_npz_long_strings_stay_compact(tmp_path):
    labels = ["z" * 5000] + [f"w{i}" for i in range(199)]
    docs = ["x" * 100_000, "two\nlines", "", *(["y"] * 197)]
    meta = pd.DataFrame({"doc": docs, "one": ["q" * 50_000] + ["r"] * 199}, dtype=object)
    emb = make(labels, metadata=meta)
    path = io.save_npz(emb, tmp_path / "long.npz")
    assert path.stat().st_size < 2_000_000  # unicode arrays would be 80 + 40 MB
    back = io.load_npz(path)
    same(back, emb)
    pd.testing.assert_frame_equal(back.metadata, meta)


def test_npz_non_text_objects_are_stored_as_text_with_a_warning(tmp_path):
    emb = make(["a", "b"], metadata=pd.DataFrame({"mixed": [1, "x"]}, dtype=object))
    with pytest.warns(UserWarning, match="'mixed' holds non-text"):
        path = io.save_npz(emb, tmp_path / "m.npz")
    assert io.load_npz(path).metadata["mixed"].tolist() == ["1", "x"]


def test_npz_refuses_what_it_cannot_store(tmp_path):
    meta = pd.DataFrame({"p": pd.period_range("2024-01", periods=2, freq="M")})
    with pytest.raises(ValueError, match=r"column 'p'.*without pickle"):
        io.save_npz(make(["a", "b"], metadata=meta), tmp_path / "p.npz")
    assert not (tmp_path / "p.npz").exists()


def test_npz_errors(tmp_path, emb):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"PK\x03\x04 definitely not a zip")
    assert "not a readable .npz" in str(error(junk))
    good = io.save_npz(emb, tmp_path / "good.npz")
    cut = tmp_path / "cut.npz"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    error(cut)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, a=np.zeros(3), b=np.ones(2))
    assert "not an embedkit .npz" in str(error(foreign))
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, vectors=np.zeros((1, 2)), labels=np.array([{"x": 1}], dtype=object))
    assert "pickle" in str(error(pickled))
    newer = tmp_path / "newer.npz"
    manifest = '{"format": "embedkit.Embeddings", "version": 99}'
    np.savez(newer, __embedkit__=np.array(manifest), vectors=np.zeros((1, 2), np.float32))
    assert "newer" in str(error(newer))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    labels=st.lists(st.text(min_size=0, max_size=12), min_size=1, max_size=8, unique=True),
    dim=st.integers(1, 5),
    data=st.data(),
)
def test_npz_round_trip_property(tmp_path_factory, labels, dim, data):
    n = len(labels)
    floats = st.floats(allow_nan=False, allow_infinity=False, width=32)
    vecs = np.array(data.draw(st.lists(floats, min_size=n * dim, max_size=n * dim)), np.float32)
    texts = data.draw(st.lists(st.one_of(st.none(), st.text(max_size=6)), min_size=n, max_size=n))
    nums = data.draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=n, max_size=n))
    meta = pd.DataFrame({"t": pd.Series(texts, dtype=object), "i": np.array(nums, np.int64)})
    emb = ek.Embeddings(labels, vecs.reshape(n, dim), metadata=meta)
    path = io.save_npz(emb, tmp_path_factory.mktemp("prop") / "p.npz")
    back = io.load_npz(path)
    same(back, emb)
    pd.testing.assert_frame_equal(back.metadata, meta)


# ----------------------------------------------------------------------------- projector
def test_projector_files_follow_the_rules(tmp_path):
    emb = make([HTML, "日本語", "cat"], metadata=pd.DataFrame({"n": [1, None, 3]}))
    out = io.to_projector(emb, tmp_path / "p")
    vec = (out / "vectors.tsv").read_bytes()
    meta = (out / "metadata.tsv").read_bytes()
    for data in (vec, meta):
        assert data.endswith(b"\n") and b"\r" not in data
        data.decode("utf-8")
    rows = [r.split("\t") for r in vec.decode().splitlines()]
    assert {len(r) for r in rows} == {emb.dim} and len(rows) == 3
    np.testing.assert_array_equal(np.array(rows, dtype=np.float32), emb.vectors)
    lines = meta.decode().split("\n")
    assert lines[0] == "label\tn" and lines[1] == f"{HTML}\t1.0" and lines[2] == "日本語\t"
    back = ek.load(out)
    same(back, emb)
    assert back.metadata["n"].tolist()[0] == 1.0 and np.isnan(back.metadata["n"][1])


def test_projector_one_column_has_no_header(tmp_path):
    emb = make(["a", "b"], metadata=pd.DataFrame({"kind": ["x", "y"]}))
    out = io.to_projector(emb, tmp_path, columns=[])
    assert (out / "metadata.tsv").read_text() == "a\nb\n"
    back = ek.load(out / "vectors.tsv")  # the vectors file: metadata beside it
    same(back, emb)
    assert back.metadata is None
    io.to_projector(emb, tmp_path)
    assert (out / "metadata.tsv").read_text() == "label\tkind\na\tx\nb\ty\n"
    assert ek.load(out).metadata["kind"].tolist() == ["x", "y"]


def test_projector_refuses_bad_cells(tmp_path):
    with pytest.raises(ValueError, match=r"row 1 .*empty or whitespace-only"):
        io.to_projector(make(["a", " \u3000"]), tmp_path)
    with pytest.raises(ValueError, match=r"row 0 \(label\) holds a tab"):
        io.to_projector(make(["a\tb", "c"]), tmp_path)
    meta = pd.DataFrame({"text": ["fine", "two\r\nlines"]})
    with pytest.raises(ValueError, match=r"row 1 \(column 'text'\)"):
        io.to_projector(make(["a", "b"], metadata=meta), tmp_path)
    out = io.to_projector(make(["a\tb", "c"], metadata=meta), tmp_path, sanitize=True)
    assert (out / "metadata.tsv").read_text() == "label\ttext\na b\tfine\nc\ttwo  lines\n"
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        io.to_projector(ek.Embeddings(["a"], [[1.0]]), tmp_path)
    with pytest.raises(ValueError, match="called 'label'"):
        io.to_projector(make(["a", "b"], metadata=pd.DataFrame({"label": [1, 2]})), tmp_path)


def test_projector_numeric_labels(tmp_path):
    emb = make(["007", "1e3", "12", "cat", "0x1F", "Infinity"])
    with pytest.warns(UserWarning, match=r"5 label\(s\) look numeric \('007', '1e3', '12'"):
        io.to_projector(emb, tmp_path / "w")
    with pytest.raises(ValueError, match="look numeric"):
        io.to_projector(emb, tmp_path / "e", numeric_labels="error")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = io.to_projector(emb, tmp_path / "p", numeric_labels="prefix")
    text = (out / "metadata.tsv").read_text()
    assert text == "#007\n#1e3\n#12\ncat\n#0x1F\n#Infinity\n"


@pytest.mark.parametrize(
    ("vectors", "metadata", "file", "line", "pattern"),
    [
        ("1\t2\n3\t4\t5\n", "a\nb\n", "vectors.tsv", 2, r"expected 2 tab-separated values"),
        ("1\t2\n3\tnan\n", "a\nb\n", "vectors.tsv", 2, r"value 2 is not finite"),
        ("1\t2\n1e60\t3\n", "a\nb\n", "vectors.tsv", 2, r"value 1 is not finite"),
        ("x\ty\n1\t2\n", "a\n", "vectors.tsv", 1, r"not a number.*no header"),
        ("1\n2\n", "a\nb\n", "vectors.tsv", 1, r"needs >= 2"),
        ("1\t2\n3\t4\n", "a\nb\nc\n", "metadata.tsv", 3, r"3 metadata rows for 2 vectors"),
        ("1\t2\n3\t4\n", "label\tk\na\t1\n", "metadata.tsv", 3, r"1 metadata rows for 2"),
        ("1\t2\n3\t4\n", "label\tk\na\t1\nb\n", "metadata.tsv", 3, r"expected 2 tab-separated"),
        ("1\t2\n3\t4\n", "a\r\nb\r\n", "metadata.tsv", 1, r"carriage return"),
        ("1\t2\n3\t4\n", "a\n \n", "metadata.tsv", 2, r"empty label"),
        ("1\t2\n3\t4\n", "a\na\n", "metadata.tsv", 2, r"duplicate label 'a'"),
    ],
)
def test_projector_import_errors(tmp_path, vectors, metadata, file, line, pattern):
    write(tmp_path / "vectors.tsv", vectors)
    write(tmp_path / "metadata.tsv", metadata)
    with pytest.raises(FormatError) as info:
        ek.load(tmp_path)
    err = info.value
    assert str(tmp_path / file) in str(err) and err.line == line, str(err)
    assert re.search(pattern, str(err)), str(err)


# ----------------------------------------------------------------------------- detection
def test_detect_and_unknown_format(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope"):
        ek.load(tmp_path / "nope.txt")
    write(tmp_path / "a.txt", "a 1 2\n")
    with pytest.raises(ValueError, match="unknown format 'csv'"):
        ek.load(tmp_path / "a.txt", format="csv")
    binpath = io.save_word2vec(make(["a", "b"]), tmp_path / "noext", binary=True)
    assert io.detect_format(binpath) == "word2vec-binary"
    with gzip.open(tmp_path / "g.gz", "wt") as f:
        f.write("a 1 2\n")
    assert io.detect_format(tmp_path / "g.gz") == "glove"


def test_limit_reads_only_the_first_vectors(tmp_path, emb):
    for path in (
        io.save_word2vec(emb, tmp_path / "l.txt"),
        io.save_word2vec(emb, tmp_path / "l.bin", binary=True),
        io.save_glove(emb, tmp_path / "g.txt"),
    ):
        same(ek.load(path, limit=5), emb[:5])
        same(ek.load(path, limit=10_000), emb)
    bad_tail = write(tmp_path / "t.txt", "4 2\na 1 2\nb 3 4\nc oops\n")
    assert ek.load(bad_tail, limit=2).labels == ["a", "b"]
    assert error(bad_tail).line == 4
    with pytest.raises(ValueError, match="limit"):
        ek.load(io.save_npz(emb, tmp_path / "e.npz"), limit=3)


def test_byte_order_mark_and_tabs(tmp_path):
    bom = b"\xef\xbb\xbf"
    (tmp_path / "g.txt").write_bytes(bom + b"the 1 2\nof 3 4\n")
    (tmp_path / "w.txt").write_bytes(bom + b"2 2\nthe 1 2\nof 3 4\n")
    (tmp_path / "s.txt").write_bytes(bom + b"the 1 2\nof 3\n")  # diagnostic pass too
    assert ek.load(tmp_path / "g.txt").labels == ["the", "of"]
    assert ek.load(tmp_path / "w.txt").labels == ["the", "of"]
    assert error(tmp_path / "s.txt").line == 2
    err = error(write(tmp_path / "t.txt", "the\t1\t2\n"))
    assert "tab-separated?" in str(err)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    labels=st.lists(
        st.text(
            st.characters(blacklist_categories=("Cs",), blacklist_characters=" \n\r"),
            min_size=1,
            max_size=8,
        ),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    dim=st.integers(1, 3),
    binary=st.booleans(),
    data=st.data(),
)
def test_text_round_trip_property(tmp_path_factory, labels, dim, binary, data):
    floats = st.floats(allow_nan=False, allow_infinity=False, width=32)
    n = len(labels)
    vecs = np.array(data.draw(st.lists(floats, min_size=n * dim, max_size=n * dim)), np.float32)
    emb = ek.Embeddings(labels, vecs.reshape(n, dim))
    tmp = tmp_path_factory.mktemp("text")
    path = io.save_word2vec(emb, tmp / "w.txt", binary=binary)
    # binary is named: with 1 dimension, 4 printable float bytes also read as text
    same(ek.load(path, format="word2vec-binary" if binary else None), emb)
    if not labels[0].startswith("\ufeff"):
        same(ek.load(io.save_glove(emb, tmp / "g.txt"), format="glove"), emb)


@pytest.mark.parametrize("fmt", ["word2vec", "word2vec-binary", "glove", "npz", "projector"])
def test_a_label_that_is_not_utf8_is_named(tmp_path, fmt):
    emb = ek.Embeddings(["ok", "bad\ud800"], [[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match=r"label 1 \('bad\\ud800'\) is not valid Unicode"):
        emb.save(tmp_path / "out", format=fmt)
    assert not any(tmp_path.iterdir())  # nothing half-written


def test_projector_sprite_and_config(tmp_path):
    import json

    from PIL import Image

    images = np.random.default_rng(3).integers(0, 256, (10, 8, 6)).astype(np.uint8)
    emb = make([f"d{i}" for i in range(10)], images=images)
    out = io.to_projector(emb, tmp_path / "digits")
    config = json.loads((out / "projector_config.json").read_text())
    entry = config["embeddings"][0]
    assert entry["tensorShape"] == [10, 4] and entry["tensorPath"] == "vectors.tsv"
    assert entry["metadataPath"] == "metadata.tsv"
    assert entry["sprite"] == {"imagePath": "sprite.png", "singleImageDim": [6, 8]}
    grid = np.asarray(Image.open(out / "sprite.png"))
    assert grid.shape == (4 * 8, 4 * 6, 3)  # ceil(sqrt(10)) = 4 per side
    np.testing.assert_array_equal(grid[8:16, 6:12, 0], images[5])  # row 1, column 1
    assert not grid[24:, 12:].any()  # empty cells after the last image
    with pytest.raises(ValueError, match="no images"):
        io.to_projector(make(["a", "b"]), tmp_path / "x", sprite=True)
    big = make(["a", "b"], images=np.zeros((2, 5000, 10), np.uint8))
    with pytest.warns(UserWarning, match="no sprite written"):
        io.to_projector(big, tmp_path / "big")
    assert not (tmp_path / "big" / "sprite.png").exists()


# ----------------------------------------------------------------------------- Embeddings.save
def saveable(n: int = 12) -> ek.Embeddings:
    """Labels every format can hold (no tab, nothing numeric-looking), with metadata."""
    labels = ["<img/src=x/onerror=alert(1)>", "nan", "null", "日本語", '"q"', "it's"]
    labels += [f"w{i}" for i in range(n - len(labels))]
    meta = pd.DataFrame({"kind": [f"k{i % 3}" for i in range(n)], "n": np.arange(n) * 1.5})
    images = np.random.default_rng(3).integers(0, 256, (n, 4, 4, 3)).astype(np.uint8)
    return make(labels, metadata=meta, images=images)


SAVE_CASES = [  # name, format given, format load detects, keeps metadata, keeps images
    ("v.txt", None, "word2vec", False, False),
    ("v.txt.gz", None, "word2vec", False, False),
    ("v.vec", None, "fasttext", False, False),
    ("v.bin", None, "word2vec-binary", False, False),
    ("v.bin.gz", None, "word2vec-binary", False, False),
    ("w2v.data", "word2vec", "word2vec", False, False),
    ("b.data", "word2vec-binary", "word2vec-binary", False, False),
    ("glove.txt", "glove", "glove", False, False),
    ("glove.6B.txt.bz2", "glove", "glove", False, False),
    ("e.npz", None, "npz", True, True),
    ("noext", None, "npz", True, True),
    ("folder", "projector", "projector", True, False),
]


@pytest.mark.parametrize(("name", "fmt", "detected", "keeps_meta", "keeps_images"), SAVE_CASES)
def test_save_writes_every_format_load_reads(
    tmp_path, name, fmt, detected, keeps_meta, keeps_images
):
    emb = saveable()
    out = emb.save(tmp_path / name, format=fmt)
    assert out.exists()
    assert io.detect_format(out) == detected
    back = ek.load(out)
    assert back.labels == emb.labels
    np.testing.assert_allclose(back.vectors, emb.vectors, rtol=0, atol=0)
    if keeps_meta:
        assert back.metadata is not None
        assert back.metadata["kind"].tolist() == emb.metadata["kind"].tolist()
        np.testing.assert_allclose(back.metadata["n"], emb.metadata["n"])
    else:
        assert back.metadata is None
    if keeps_images:
        np.testing.assert_array_equal(back.images, emb.images)
    else:
        assert back.images is None


@pytest.mark.parametrize(
    ("name", "fmt", "gensim_kw"),
    [
        ("a.txt", None, {}),
        ("a.txt.gz", None, {}),
        ("a.vec", None, {}),
        ("a.vec", "fasttext", {}),
        ("a.bin", None, {"binary": True}),
        ("a.bin", "word2vec-binary", {"binary": True}),
        ("g.txt", "glove", {"no_header": True}),
    ],
)
def test_gensim_reads_what_save_writes(tmp_path, emb, name, fmt, gensim_kw):
    from gensim.models import KeyedVectors

    path = emb.save(tmp_path / name, format=fmt)
    kv = KeyedVectors.load_word2vec_format(str(path), **gensim_kw)
    assert kv.index_to_key == emb.labels
    np.testing.assert_array_equal(kv.vectors, emb.vectors)


def test_save_infers_the_format_from_the_name(tmp_path):
    emb = make(["a", "b"])
    assert io.save_format(tmp_path / "x.TXT") == "word2vec"
    assert io.save_format(tmp_path / "x.vec.xz") == "fasttext"
    assert io.save_format(tmp_path / "x.bin") == "word2vec-binary"
    assert io.save_format(tmp_path / "x") == "npz"
    assert io.save_format(tmp_path) == "projector"  # an existing directory
    out = emb.save(tmp_path / "existing")  # no suffix, not a directory: npz
    assert out.name == "existing.npz"
    (tmp_path / "dir").mkdir()
    assert emb.save(tmp_path / "dir") == tmp_path / "dir"
    assert (tmp_path / "dir" / "vectors.tsv").is_file()
    same(ek.load(tmp_path / "dir"), emb)


@pytest.mark.parametrize("name", ["v.csv", "v.tsv", "v.json", "vectors.gz", "glove.6B.50d"])
def test_save_unknown_suffix_lists_the_choices(tmp_path, name):
    with pytest.raises(ValueError, match="cannot tell the format") as info:
        make(["a", "b"]).save(tmp_path / name)
    message = str(info.value)
    for choice in (".txt", ".vec", ".bin", ".npz", *io.FORMATS):
        assert choice in message, (choice, message)
    assert not list(tmp_path.iterdir())  # nothing written


def test_save_refuses_unknown_formats_and_options(tmp_path):
    emb = make(["a", "b"])
    with pytest.raises(ValueError, match="unknown format 'gensim'; choose one of 'word2vec'"):
        emb.save(tmp_path / "v.txt", format="gensim")
    with pytest.raises(TypeError, match="format 'word2vec' takes no options; got binary"):
        emb.save(tmp_path / "v.txt", binary=True)
    with pytest.raises(TypeError, match="takes only compressed; got sprite"):
        emb.save(tmp_path / "v.npz", sprite=False)
    with pytest.raises(ValueError, match=r"npz cannot be \.gz-compressed"):
        emb.save(tmp_path / "v.npz.gz", format="npz")
    assert not list(tmp_path.iterdir())


def test_save_passes_options_to_the_writer(tmp_path):
    emb = make(["007", "cat"], metadata=pd.DataFrame({"kind": ["agent", "animal"]}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = emb.save(tmp_path / "p", format="projector", numeric_labels="prefix", columns=[])
    assert (out / "metadata.tsv").read_text() == "#007\ncat\n"
    small = emb.save(tmp_path / "c.npz", compressed=True)
    same(ek.load(small), emb)
