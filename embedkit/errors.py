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

import sys
import warnings
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


def warn(message: str, category: type[EmbedkitWarning] = EmbedkitWarning) -> None:
    """Warn, pointing at the first caller outside embedkit (the user's line, not ours).

    However deep inside embedkit the warning arises (a trainer's loop, a wrapper), the
    warning names the notebook cell or script line that called embedkit.
    """
    level, frame = 2, sys._getframe(1)  # stacklevel 2 is the caller of warn()
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    warnings.warn(message, category, stacklevel=level)
