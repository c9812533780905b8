"""One HTML file from sections of escaped text, tables and inline SVG charts: nothing to fetch to view it.

Every value is escaped here (:func:`html.escape`); only chart SVG made by :mod:`.charts` is inserted as is.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Final

_CSS: Final = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.figures { display: flex; gap: 1rem; flex-wrap: wrap; }
.figure { border: 1px solid #ddd; border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }
.figure b { display: block; font-size: 1.5rem; }
.bad b { color: #c0392b; } .ok b { color: #2e8b57; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: .85rem; word-break: break-all; }
.chart svg { max-width: 100%; height: auto; }
p.note { color: #555; }
"""


@dataclass
class Section:
    """A heading, then paragraphs, headline figures, charts (SVG) and tables, in that order."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    figures: list[tuple[str, str, str]] = field(default_factory=list)  # (label, value, "ok" | "bad" | "")
    charts: list[str] = field(default_factory=list)
    tables: list[tuple[list[str], list[list[str]]]] = field(default_factory=list)

    def render(self) -> str:
        out = [f"<section><h2>{html.escape(self.title)}</h2>"]
        out += [f'<p class="note">{html.escape(text)}</p>' for text in self.paragraphs]
        if self.figures:
            out.append('<div class="figures">')
            for label, value, tone in self.figures:
                out.append(f'<div class="figure {tone}"><b>{html.escape(value)}</b>{html.escape(label)}</div>')
            out.append("</div>")
        out += [f'<div class="chart">{svg}</div>' for svg in self.charts]
        for header, rows in self.tables:
            out.append("<table><thead><tr>")
            out += [f"<th>{html.escape(h)}</th>" for h in header]
            out.append("</tr></thead><tbody>")
            for row in rows:
                cells = (
                    f'<td class="n">{html.escape(c)}</td>' if c.replace(",", "").isdigit() else f"<td>{_code(c)}</td>"
                    for c in row
                )
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</tbody></table>")
        out.append("</section>")
        return "\n".join(out)


def _code(text: str) -> str:
    """Backquoted parts become ``<code>`` (examples, pip lines); everything is escaped first."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def render(title: str, subtitle: str, sections: list[Section]) -> str:
    """The whole document: UTF-8, inline style, no script, no external reference."""
    body = "\n".join(section.render() for section in sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>\n"
        f'<body><h1>{html.escape(title)}</h1><p class="note">{html.escape(subtitle)}</p>\n{body}\n</body></html>\n'
    )
