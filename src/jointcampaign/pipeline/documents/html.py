"""Small helpers for the self-contained HTML pages that go into bundles (no template engine needed)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

STYLE = """
body{font-family:system-ui,'Noto Sans',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{margin-bottom:.2rem} h2{margin-top:2rem;border-bottom:2px solid #eee;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0} th,td{border:1px solid #ddd;padding:.35rem .5rem;
text-align:left;vertical-align:top} th{background:#f6f6f6} .ok{color:#1b5e20;font-weight:600}
.bad{color:#b71c1c;font-weight:600} .muted{color:#666} img.poster{max-width:16rem;border:1px solid #ccc}
.zones{display:flex;flex-wrap:wrap;gap:1rem} figure.zone{margin:0}
@media print{body{margin:0}}
"""


def page(title: str, body: str, language: str = "en") -> str:
    return (
        f'<!doctype html>\n<html lang="{escape(language)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, raw: bool = False) -> str:
    """Cells are escaped unless raw=True (for cells the caller built from escaped parts)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body_rows = []
    for row in rows:
        cells = "".join(f"<td>{cell if raw else escape(cell)}</td>" for cell in row)
        body_rows.append(f"<tr>{cells}</tr>")
    if not body_rows:
        return '<p class="muted">None.</p>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body_rows)}</tbody></table>"


def flag(ok: bool, text_ok: str = "green", text_bad: str = "red") -> str:
    return f'<span class="ok">● {text_ok}</span>' if ok else f'<span class="bad">● {text_bad}</span>'
