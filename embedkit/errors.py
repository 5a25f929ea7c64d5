"""The errors and warnings embedkit raises.

Warnings are all :class:`UserWarning` subclasses, so shown by default.

Python's default filters hide ``ResourceWarning``, ``DeprecationWarning`` outside
``__main__``, ``PendingDeprecationWarning`` and ``ImportWarning``; a warning a user must see
(memory, a collapsed space, a changed corpus) therefore derives from
:class:`EmbedkitWarning`, a ``UserWarning``, which Python and IPython show once per
call site.

Examples
--------
>>> issubclass(MemoryWarning, UserWarning), issubclass(CorpusWarning, EmbedkitWarning)
(True, True)
"""

from __future__ import annotations

import contextlib
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_PACKAGE = str(Path(__file__).resolve().parent)

__all__ = ["CollapseWarning", "CorpusWarning", "EmbedkitWarning", "MemoryWarning"]
"""The warning classes (``NotFittedError`` is an error, not listed here)."""


class NotFittedError(RuntimeError):
    """A trainer's or a recommender's result was asked for before ``fit``."""


def check_fitted(obj: object, attribute: str) -> Any:
    """``obj.<attribute>``, or the one "not fitted yet" error every estimator gives.

    >>> class Model:
    ...     pass
    >>> check_fitted(Model(), "embeddings_")
    Traceback (most recent call last):
    ...
    embedkit.errors.NotFittedError: this Model is not fitted yet; call fit(...) first
    """
    value = getattr(obj, attribute, None)
    if value is None:
        raise NotFittedError(f"this {type(obj).__name__} is not fitted yet; call fit(...) first")
    return value


class EmbedkitWarning(UserWarning):
    """Base of every warning embedkit gives (filter them all with this class)."""


class CorpusWarning(EmbedkitWarning):
    """A corpus was accepted but changed (materialised, split) on the way in."""


class MemoryWarning(EmbedkitWarning):
    """Training is estimated to need more memory than is available."""


class CollapseWarning(EmbedkitWarning):
    """The trained space has collapsed: most vectors point the same way."""


def user_frame() -> tuple[str, int] | None:
    """``(file, line)`` of the first caller outside embedkit: the user's call.

    None when every frame is embedkit's (or the stack ends in a thread's start).
    """
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None or frame.f_code.co_filename == threading.__file__:
        return None
    return frame.f_code.co_filename, frame.f_lineno


_collectors: dict[int, list[warnings.WarningMessage]] = {}


@contextlib.contextmanager
def collect_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """Also keep, in the yielded list, the embedkit warnings :func:`warn` gives in this thread.

    The warnings are still shown as usual; nothing global is changed, so this works in
    a background thread (the training dashboard shows them in its widget).

    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # (here: not shown)
    ...     with collect_warnings() as caught:
    ...         warn("careful")
    >>> [str(w.message) for w in caught]
    ['careful']
    """
    key = threading.get_ident()
    outer = _collectors.get(key)
    caught: list[warnings.WarningMessage] = []
    _collectors[key] = caught
    try:
        yield caught
    finally:
        if outer is None:
            del _collectors[key]
        else:
            _collectors[key] = outer
            outer.extend(caught)


def warn(message: str, category: type[EmbedkitWarning] = EmbedkitWarning) -> None:
    """Warn, pointing at the first caller outside embedkit (the user's line, not ours).

    However deep inside embedkit the warning arises (a trainer's loop, a wrapper), the
    warning names the notebook cell or script line that called embedkit.
    """
    level, frame = 2, sys._getframe(1)  # stacklevel 2 is the caller of warn()
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    bucket = _collectors.get(threading.get_ident())
    if bucket is not None:
        where = (frame.f_code.co_filename, frame.f_lineno) if frame is not None else ("", 0)
        bucket.append(warnings.WarningMessage(message, category, *where))
    warnings.warn(message, category, stacklevel=level)
