"""Small, escaped HTML summaries for notebook display (no widget needed)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .vectors import Embeddings


def embeddings_html(emb: Embeddings, preview: int = 8) -> str:
    """An HTML card: size, dimensions, a few labels and metadata columns (all escaped).

    Examples
    --------
    >>> from embedkit import Embeddings
    >>> "&lt;b&gt;" in embeddings_html(Embeddings(["<b>"], [[1.0, 2.0]]))
    True
    """
    n, d = emb.shape
    labels = emb.labels[:preview]
    shown = ", ".join(html.escape(lab) for lab in labels)
    more = f", … ({n - len(labels):,} more)" if n > len(labels) else ""
    rows = [
        ("labels", f"{n:,}"),
        ("dimensions", f"{d}"),
        ("first labels", shown + more),
    ]
    if emb.metadata is not None and len(emb.metadata.columns):
        cols = ", ".join(html.escape(str(c)) for c in emb.metadata.columns)
        rows.append(("metadata", cols))
    if emb.images is not None:
        rows.append(("images", html.escape("×".join(map(str, emb.images.shape[1:])))))
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{k}</th><td>{v}</td></tr>"
        for k, v in rows
    )
    return f"<div class='embedkit-embeddings'><b>Embeddings</b><table>{body}</table></div>"
