"""Image embeddings: ImageEmbedder, ImageTrainer, image_folder, Gallery, confusion.

Real torch and torchvision throughout, on sklearn's digits (offline). Tiny sizes keep
the CPU cost small; the accuracy target (>= 0.98 kNN) lives in
benchmarks/bench_images.py and notebook 05, not here. Nothing downloads: the one
network access (the pretrained-weights probe) is replaced by a failing function.
"""

from __future__ import annotations

import subprocess
import sys
import time
import warnings

import numpy as np
import pytest

import embedkit as ek

torch = pytest.importorskip("torch")  # the images extra is part of `make install`

from embedkit.train import _vision as V  # noqa: E402
from embedkit.train.events import ListObserver  # noqa: E402
from embedkit.train.images import (  # noqa: E402
    ImageEmbedder,
    ImageTrainer,
    WeightsUnavailableError,
)


@pytest.fixture(scope="module")
def digits():
    return ek.datasets.digits()


@pytest.fixture(scope="module")
def small_set(digits):
    """200 digits, 20 per class."""
    rows = np.concatenate([np.flatnonzero(digits.labels == c)[:20] for c in range(10)])
    return digits.images[rows], digits.labels[rows]


@pytest.fixture
def hub_dir(tmp_path, monkeypatch):
    """An empty torch hub cache, and a network probe that fails (tests must not go online)."""
    before = torch.hub.get_dir()
    torch.hub.set_dir(str(tmp_path / "hub"))

    def offline(url, timeout=5.0):
        raise OSError("[test] network unreachable (the probe is replaced; no download is tried)")

    monkeypatch.setattr(V, "_probe", offline)
    yield tmp_path / "hub"
    torch.hub.set_dir(before)


def _raw_features(model, images, size):
    """Penultimate features by a plain torch forward pass (the reference)."""
    x = torch.from_numpy(images).float().div(255)[:, None].expand(-1, 3, -1, -1)
    x = torch.nn.functional.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    mean = torch.tensor(V.IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(V.IMAGENET_STD).view(1, 3, 1, 1)
    model.eval()
    with torch.inference_mode():
        return model((x - mean) / std).numpy()


# ----------------------------------------------------------------------------- embedder
def test_import_embedkit_does_not_import_torch():
    code = "import sys, embedkit as ek; ek.Gallery; ek.datasets.image_folder; " \
           "print('torch' in sys.modules, 'torchvision' in sys.modules)"  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_embedder_resnet18_digits(digits):
    sub = ek.datasets.Digits(digits.images[:40], digits.labels[:40], digits.target_names)
    obs = ListObserver()
    emb = ImageEmbedder("resnet18", device="cpu", batch_size=16, observers=[obs]).embed(sub)
    assert emb.shape == (40, 512)
    assert emb.images.shape == (40, 8, 8) and emb.images.dtype == np.uint8
    assert emb.labels[:2] == ["0_0000", "1_0001"]
    assert emb.metadata["class"].tolist()[:3] == ["0", "1", "2"]
    assert obs.started and obs.ended
    assert obs.events[-1].stage == "epoch" and obs.events[-1].unit == "images/s"
    assert obs.events[-2].stage == "embed" and obs.events[-2].progress == 1.0
    assert np.isfinite(emb.vectors).all()


def test_embedder_features_equal_plain_torch(tmp_path):
    """weights=path: features are the penultimate layer of exactly that model."""
    torch.manual_seed(1)
    import torchvision

    model = torchvision.models.resnet18(num_classes=10)
    path = tmp_path / "r18.pt"
    torch.save(model.state_dict(), path)
    imgs = np.random.default_rng(0).integers(0, 256, (6, 8, 8), dtype=np.uint8)
    emb = ImageEmbedder("resnet18", weights=path, device="cpu").embed(imgs)
    model.fc = torch.nn.Identity()
    np.testing.assert_allclose(emb.vectors, _raw_features(model, imgs, 32), rtol=1e-4, atol=1e-5)


def test_grey_rgb_rgba_are_converted():
    e = ImageEmbedder("small", device="cpu")
    grey = np.random.default_rng(1).integers(0, 256, (4, 10, 10), dtype=np.uint8)
    rgb = np.repeat(grey[..., None], 3, axis=3)
    rgba = np.concatenate([rgb, np.full((4, 10, 10, 1), 255, np.uint8)], axis=3)
    a, b, c = (e.embed(x).vectors for x in (grey, rgb, rgba))
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a, c, rtol=1e-5, atol=1e-6)


def test_vgg_uses_last_hidden_layer():
    e = ImageEmbedder("vgg11", device="cpu")
    assert e.embed(np.zeros((2, 8, 8), np.uint8)).shape == (2, 4096)
    assert e.head_name_ == "classifier.6" and e.dim_ == 4096


@pytest.mark.parametrize(
    ("bad", "needle"),
    [
        (np.zeros((3, 8, 8), np.float64), "dtype float64 with shape (3, 8, 8)"),
        (np.zeros((3, 64), np.uint8), "got shape (3, 64)"),
        (np.zeros((3, 8, 8, 5), np.uint8), "got shape (3, 8, 8, 5)"),
        (np.zeros((0, 8, 8), np.uint8), "empty: shape (0, 8, 8)"),
    ],
)
def test_bad_images_name_the_shape(bad, needle):
    with pytest.raises(ValueError) as err:
        ImageEmbedder("small", device="cpu").embed(bad)
    assert needle in str(err.value)


def test_bad_labels_and_arguments():
    e = ImageEmbedder("small", device="cpu")
    with pytest.raises(ValueError, match=r"one class per image \(3\), got shape \(2,\)"):
        e.embed(np.zeros((3, 8, 8), np.uint8), classes=[1, 2])
    with pytest.raises(TypeError, match="list of paths, not one path"):
        e.embed("some/folder")
    with pytest.raises(ValueError, match="device must be"):
        ImageEmbedder("small", device="quantum")
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        ImageEmbedder("small", batch_size=0)


def test_unknown_backbone_lists_valid_names():
    with pytest.raises(ValueError) as err:
        ImageEmbedder("resnet81")
    msg = str(err.value)
    assert "unknown backbone 'resnet81'" in msg and "Did you mean 'resnet18'" in msg
    assert "vgg16" in msg and "small" in msg


def test_weights_for_another_architecture_name_the_keys(tmp_path):
    import torchvision

    path = tmp_path / "r18.pt"
    torch.save(torchvision.models.resnet18().state_dict(), path)
    with pytest.raises(ValueError) as err:
        ImageEmbedder("resnet34", weights=path).embed(np.zeros((1, 8, 8), np.uint8))
    msg = str(err.value)
    assert "do not fit this architecture" in msg and "missing keys: layer1.2." in msg
    torch.save(V.SmallResNet().state_dict(), path)
    with pytest.raises(ValueError, match=r"unexpected keys: .*layer3\.conv1\.weight|missing keys"):
        ImageEmbedder("resnet18", weights=path).embed(np.zeros((1, 8, 8), np.uint8))


def test_weights_file_problems(tmp_path):
    with pytest.raises(FileNotFoundError, match="weights file not found"):
        ImageEmbedder("small", weights=tmp_path / "nope.pt")
    junk = tmp_path / "junk.pt"
    junk.write_bytes(b"not a checkpoint")
    x = np.zeros((1, 8, 8), np.uint8)
    with pytest.raises(ValueError, match="not a torch state dict file"):
        ImageEmbedder("small", weights=junk).embed(x)  # read on first use
    # a pickled object is refused by torch.load(weights_only=True): no code runs
    evil = tmp_path / "evil.pt"
    torch.save({"x": object()}, evil)
    with pytest.raises(ValueError, match="not a torch state dict file"):
        ImageEmbedder("small", weights=evil).embed(x)
    with pytest.raises(ValueError, match="no pretrained weights"):
        ImageEmbedder("small", weights="DEFAULT")
    with pytest.raises(ValueError, match="IMAGENET1K_V1"):
        ImageEmbedder("resnet18", weights="IMAGENET9K")


def test_default_weights_offline_fail_at_once(hub_dir):
    e = ImageEmbedder("resnet18", weights="DEFAULT", device="cpu")  # nothing loaded yet
    assert "dim=" not in repr(e)
    t0 = time.perf_counter()
    with pytest.raises(WeightsUnavailableError) as err:
        e.embed(np.zeros((2, 8, 8), np.uint8))
    assert time.perf_counter() - t0 < 30  # no hanging download (generous for a loaded CI box)
    msg = str(err.value)
    cached = hub_dir / "checkpoints" / "resnet18-f37072fd.pth"
    assert str(cached) in msg and "offline" in msg and "weights=<path" in msg


def test_default_weights_from_cache_and_their_transforms(hub_dir):
    """A file in the hub cache is used without any network access (the probe fails)."""
    import torchvision

    torch.manual_seed(0)
    model = torchvision.models.resnet18()
    (hub_dir / "checkpoints").mkdir(parents=True)
    torch.save(model.state_dict(), hub_dir / "checkpoints" / "resnet18-f37072fd.pth")
    e = ImageEmbedder("resnet18", weights="DEFAULT", device="cpu")
    imgs = np.random.default_rng(2).integers(0, 256, (2, 40, 50, 3), dtype=np.uint8)
    pre = e._pre(imgs)
    assert (pre.size, pre.resize) == (224, 256)
    x = V.to_float(imgs)
    ref = torchvision.models.ResNet18_Weights.DEFAULT.transforms()(x)
    torch.testing.assert_close(pre(x), ref, rtol=1e-4, atol=1e-4)
    model.fc = torch.nn.Identity()
    with torch.inference_mode():
        want = model.eval()(ref).numpy()
    np.testing.assert_allclose(e.embed(imgs).vectors, want, rtol=1e-3, atol=1e-4)


# ----------------------------------------------------------------------------- trainer
def _trainer(**kw):
    params = {"epochs": 1, "seed": 0, "batch_size": 32, "image_size": 16, "device": "cpu",
              "workers": 1}  # fmt: skip
    params.update(kw)
    return ImageTrainer("small", **params)


def test_trainer_one_epoch_events_and_embeddings(small_set):
    images, labels = small_set
    obs = ListObserver()
    d = ek.datasets.digits()
    tr = _trainer(observers=[obs]).fit(
        images, labels, validation=(d.images[-100:], d.labels[-100:])
    )
    hist = tr.history_
    assert hist.columns.tolist() == ["epoch", "loss", "images_per_sec", "elapsed", "accuracy",
                                     "val_accuracy", "mean_cosine"]  # fmt: skip
    assert len(hist) == 1 and hist["loss"].iloc[0] > 0 and 0 <= hist["accuracy"].iloc[0] <= 1
    assert 0 <= hist["val_accuracy"].iloc[0] <= 1
    emb = tr.embeddings_
    assert emb.shape == (200, 128) and emb.images.shape == (200, 8, 8)
    assert sorted(set(emb.metadata["class"])) == list(range(10))
    assert [e.epoch for e in obs.events if e.stage == "epoch"] == [1]
    assert tr.predict(images[:5]).shape == (5,)


def test_trainer_seeded_runs_are_identical(small_set):
    images, labels = small_set
    a = _trainer(seed=3).fit(images, labels)
    b = _trainer(seed=3).fit(images, labels)
    np.testing.assert_array_equal(a.embeddings_.vectors, b.embeddings_.vectors)
    assert a.history_["loss"].tolist() == b.history_["loss"].tolist()
    assert not torch.are_deterministic_algorithms_enabled()  # global setting restored


def test_trainer_stop_keeps_the_model(small_set):
    images, labels = small_set
    tr = _trainer(epochs=5, augment=False)
    tr.add_observer(lambda ev: tr.stop() if ev.stage == "epoch" else None)
    tr.fit(images, labels)
    assert tr.stopped_ and len(tr.history_) == 1
    assert tr.embeddings_.shape == (200, 128)
    assert np.array_equal(tr.embed(images[:4]).vectors, tr.embeddings_.vectors[:4])


def test_trainer_resnet18_and_saved_weights(small_set, tmp_path):
    images, labels = small_set
    tr = ImageTrainer("resnet18", epochs=1, batch_size=50, device="cpu", workers=1)
    tr.fit(images[::2], labels[::2])
    assert tr.embeddings_.shape == (100, 512)
    folder = tr.save(tmp_path / "trained")
    again = ImageEmbedder("resnet18", weights=folder / "model.pt", device="cpu").embed(images[::2])
    np.testing.assert_allclose(again.vectors, tr.embeddings_.vectors, rtol=1e-4, atol=1e-5)
    back = ImageTrainer.load(folder)
    np.testing.assert_array_equal(back.predict(images[:20]), tr.predict(images[:20]))
    assert back.history_["epoch"].tolist() == [1] and back.workers == 1


def test_embedder_builds_lazily_and_set_params_takes_effect_or_raises():
    e = ImageEmbedder("resnet18", device="cpu")
    assert "model_" not in vars(e)  # nothing built (or downloaded) in __init__
    x = np.zeros((2, 8, 8), np.uint8)
    assert e.embed(x).shape == (2, 512)
    e.set_params(backbone="small")
    assert e.embed(x).shape == (2, 128)  # the new backbone is used
    with pytest.raises(ValueError, match="unknown backbone 'resnet81'"):
        e.set_params(backbone="resnet81")
    assert e.backbone == "small"  # refused: the old value is kept
    with pytest.raises(ValueError, match="device must be"):
        e.set_params(device="quantum")
    assert e.device == "cpu" and e.embed(x).shape == (2, 128)


def test_dashboard_of_a_model_that_does_not_train_fails_at_once():
    with pytest.raises(TypeError, match="does not train"):
        ImageEmbedder("small", device="cpu").dashboard(np.zeros((2, 8, 8), np.uint8))


def test_trainer_bad_input(small_set):
    images, labels = small_set
    with pytest.raises(ValueError, match="needs a class per image"):
        _trainer().fit(images)
    with pytest.raises(ValueError, match="at least 2 images of 2 classes"):
        _trainer().fit(images[:5], np.zeros(5, int))
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        _trainer(epochs=0).fit(images, labels)
    with pytest.raises(RuntimeError, match="call fit"):
        _trainer().embed(images)


# ----------------------------------------------------------------------------- folders
def _folder(tmp_path):
    from PIL import Image

    root = tmp_path / "pets"
    (root / "cat").mkdir(parents=True)
    (root / "dog").mkdir()
    Image.new("RGB", (30, 20), (200, 10, 10)).save(root / "cat" / "a.png")
    Image.new("L", (16, 16), 90).save(root / "cat" / "b.jpg")
    Image.new("RGBA", (12, 24), (0, 0, 255, 128)).save(root / "dog" / "c.png")
    Image.new("P", (10, 10)).save(root / "dog" / "d.gif")  # not an ImageFolder extension
    (root / "dog" / "broken.png").write_bytes(b"\x89PNG not really")
    (root / "dog" / "notes.txt").write_text("<b>hi</b>")
    return root


def test_image_folder_classes_and_skipped(tmp_path):
    root = _folder(tmp_path)
    with pytest.warns(UserWarning, match=r"skipped 3 file\(s\)"):
        f = ek.datasets.image_folder(root, size=16)
    assert f.target_names == ["cat", "dog"]
    assert f.paths == ["cat/a.png", "cat/b.jpg", "dog/c.png"] and f.labels.tolist() == [0, 0, 1]
    assert f.images.shape == (3, 16, 16, 3) and f.images.dtype == np.uint8
    assert tuple(f.images[0, 8, 8]) == (200, 10, 10)
    assert sorted(p for p, _ in f.skipped) == ["dog/broken.png", "dog/d.gif", "dog/notes.txt"]
    emb = ImageEmbedder("small", device="cpu").embed(f)
    assert emb.labels == f.paths and emb.metadata["class"].tolist() == ["cat", "cat", "dog"]
    tr = _trainer(batch_size=3).fit(f)  # class names from the sub-folders
    assert tr.classes_.tolist() == ["cat", "dog"] and set(tr.predict(f)) <= {"cat", "dog"}
    assert tr.embeddings_.images.shape == (3, 16, 16, 3)


def test_image_folder_flat_empty_unreadable(tmp_path):
    from PIL import Image

    flat = tmp_path / "flat"
    flat.mkdir()
    Image.new("RGB", (8, 8)).save(flat / "x.png")
    f = ek.datasets.image_folder(flat, size=8)
    assert f.target_names == ["flat"] and f.paths == ["x.png"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no image files"):
        ek.datasets.image_folder(empty)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.jpg").write_bytes(b"nope")
    with pytest.raises(ValueError, match="none of the 1 image files is readable"):
        ek.datasets.image_folder(bad)
    with pytest.raises(FileNotFoundError, match="image folder not found"):
        ek.datasets.image_folder(tmp_path / "missing")


def test_embed_paths_skips_unreadable(tmp_path):
    root = _folder(tmp_path)
    paths = [root / "cat" / "a.png", root / "dog" / "broken.png", root / "dog" / "c.png"]
    with pytest.warns(UserWarning, match="skipped 1 unreadable"):
        emb = ImageEmbedder("small", device="cpu", image_size=16).embed(paths)
    assert emb.labels == [str(paths[0]), str(paths[2])]


# ----------------------------------------------------------------------------- browse
@pytest.fixture(scope="module")
def raw_emb(digits):
    return ek.Embeddings(digits.names, digits.flat(), metadata={"class": digits.labels},
                         images=digits.images)  # fmt: skip


def test_gallery_marks_wrong_class(raw_emb, digits):
    import ipywidgets as w

    g = ek.Gallery(raw_emb, query="8_0008", k=12)
    res = g.results
    assert len(res) == 12 and len(g.grid.children) == 12
    assert (res["same_class"] == (res["class"] == "8")).all()
    border = [cell.layout.border for cell in g.grid.children]
    assert [b.startswith("2px solid #d6") for b in border] == (~res["same_class"]).tolist()
    caption = g.grid.children[0].children[1]
    assert isinstance(caption, w.Label) and caption.value.startswith("1. ")
    assert repr(g) == f"Gallery(1797 images, query='8_0008' (class 8), k=12, cosine, " \
                      f"{g.n_wrong} wrong-class)"  # fmt: skip
    png = g.grid.children[0].children[0].value
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    expected = raw_emb.neighbours("8_0008", k=12)["label"].tolist()
    assert res["label"].tolist() == expected


def test_gallery_controls_and_untrusted_labels():
    import ipywidgets as w

    labels = ["<img src=x onerror=alert(1)>", "b&c", "plain"]
    emb = ek.Embeddings(labels, [[1, 0], [1, .2], [0, 1]], metadata={"class": ["<b>", "<b>", "z"]},
                        images=np.zeros((3, 4, 4, 3), np.uint8))  # fmt: skip
    g = ek.Gallery(emb, k=1)
    assert g.query_text.value == "<img src=x onerror=alert(1)> (class <b>)"

    def html_widgets(widget):
        found = [widget] if isinstance(widget, (w.HTML, w.HTMLMath)) else []
        for child in getattr(widget, "children", ()):
            found += html_widgets(child)
        return found

    assert html_widgets(g.widget) == []
    g.grid.children[0].children[2].click()  # "neighbours" under the first neighbour
    assert g.query == 1 and g.index_box.value == 1
    g.label_box.value = "nope"
    assert g.query == 1 and "not shown" in g.status.value
    g.index_box.value = 2
    assert g.query == 2 and g.n_wrong == 1
    g.k_slider.value = 2
    assert len(g.grid.children) == 2
    with pytest.raises(ValueError, match="needs embeddings with images"):
        ek.Gallery(ek.Embeddings(["a", "b"], [[1, 0], [0, 1]]))
    with pytest.raises(IndexError, match="out of range"):
        g.show(7)


def test_confusion_matches_knn_accuracy(raw_emb, digits):
    test = np.zeros(len(digits), bool)
    test[1::2] = True
    res = ek.evaluate.knn_accuracy(raw_emb, "class", k=5, test=test)
    table = ek.evaluate.confusion(raw_emb, "class", k=5, test=test)
    assert table.shape == (10, 10) and table.to_numpy().sum() == test.sum()
    assert np.trace(table.to_numpy()) / test.sum() == pytest.approx(res.accuracy)
    assert table.attrs["mode"] == "held-out"


def test_no_warnings_on_clean_input(small_set):
    images, labels = small_set
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ImageEmbedder("small", device="cpu").embed(images[:8], classes=labels[:8])
