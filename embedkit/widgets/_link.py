"""Two projectors linked by label: hover and selection in one show in the other."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .projector import Projector


def link(a: Projector, b: Projector, *, hover: bool = True, selection: bool = True) -> None:
    """Link two projectors by label: hovering (and selecting) in one shows the same labels
    in the other; labels missing from the other side are skipped.

    Examples
    --------
    >>> import embedkit as ek
    >>> from embedkit.widgets.projector import Projector
    >>> e1 = ek.Embeddings(["a", "b"], [[1, 0], [0, 1]])
    >>> e2 = ek.Embeddings(["b", "a", "c"], [[1, 0], [0, 1], [1, 1]])
    >>> p1, p2 = Projector(e1, [[0, 0], [1, 1]]), Projector(e2, [[0, 0], [1, 1], [2, 0]])
    >>> link(p1, p2); p1.select(["a"]); p2.selected
    ['a']
    """
    busy = [False]  # set while mirroring, so the echo from the other side is ignored

    def mirror(labels: list[str], dst: Projector) -> None:
        if busy[0]:
            return
        busy[0] = True
        try:
            dst.select([lab for lab in labels if lab in dst.emb])
        finally:
            busy[0] = False

    def focus(label: str | None, dst: Projector) -> None:
        dst.focus(label if label is not None and label in dst.emb else None)

    for src, dst in ((a, b), (b, a)):
        if hover:
            src.on_hover(functools.partial(focus, dst=dst))
        if selection:
            src.on_select(functools.partial(mirror, dst=dst))
