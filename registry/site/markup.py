"""Safe markup for generated pages: every user string goes through :func:`esc`.

Generated pages are Markdown rendered by Python-Markdown with ``md_in_html``, and their
content is mostly raw HTML blocks (tables, lists, charts), which Python-Markdown passes
through untouched. A user string therefore has to be safe in three readings at once:

- HTML: ``< > & " '`` become entities, so ``<script>`` is text;
- Markdown: the characters that start emphasis, links, code, tables, headings and
  attribute lists become numeric entities, so ``[x](javascript:…)`` stays text even where a
  string lands in Markdown context (a heading, the page title);
- templates: ``{`` and ``}`` become entities, so ``{{ config }}`` / ``{% raw %}`` could not
  be expanded even if a macro plugin were ever added;
- privacy: e-mail addresses and phone numbers become （已隐去） (:mod:`registry.privacy`),
  whichever field they were typed into. Only :func:`esc_identity` shows them, for the
  approvers and reviewers of a registry that publishes identities.

A newline becomes ``<br>``: a blank line inside a raw HTML block would end the block.
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from registry.privacy import redact

_ENTITIES = {char: f"&#{ord(char)};" for char in "&<>\"'`*_[](){}|#!~^\\$:"}
_TABLE = str.maketrans(_ENTITIES)
_SPECIAL = re.compile("[" + re.escape("".join(_ENTITIES)) + "\n]")


def esc(value: object) -> str:
    """``value`` as text that renders literally in HTML and in Markdown, without personal
    contact details."""
    return esc_identity(redact("" if value is None else str(value)))


def esc_identity(value: object) -> str:
    """:func:`esc` without the redaction: only for identities a registry chose to publish."""
    text = "" if value is None else str(value)
    if _SPECIAL.search(text) is None:  # most values (names, ids, dates, amounts): nothing to do
        return text
    return "<br>".join(line.translate(_TABLE) for line in text.replace("\r\n", "\n").split("\n"))


def attr(value: object) -> str:
    """An attribute value (to be written inside double quotes)."""
    return esc(value).replace("<br>", " ")


def link(href: str, text: object, *, cls: str = "") -> str:
    """An ``<a>`` to a generated page; ``href`` is always built by us from validated ids."""
    klass = f' class="{cls}"' if cls else ""
    return f'<a href="{html.escape(href)}"{klass}>{esc(text)}</a>'


def front_matter(title: str, **extra: object) -> str:
    """YAML front matter. The title is HTML-escaped because the theme prints it unescaped."""
    lines = [f"title: {json.dumps(attr(title), ensure_ascii=False)}"]
    lines += [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in extra.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


# Front matter of list pages whose rows repeat what the record pages say: kept out of the
# search index, so that a search for a name leads to the record itself (and the index stays
# small for thousands of records).
NOT_SEARCHED: dict[str, object] = {"search": {"exclude": True}}


def search_terms(jurisdiction: str, name: str, aliases: list[str]) -> dict[str, object]:
    """Front matter that makes a record's or unit's page the first search result for its full
    name, the name without the jurisdiction (金乡县政务云平台 → 政务云平台), a prefix of either,
    and its aliases (卫健局): Material's search weighs page tags above titles and text, and
    matches a query as a prefix of a tag. The tags are hidden on the page (the aliases are
    shown in the page's own words)."""
    terms = [name, *aliases]
    local = _without_place(jurisdiction, name)
    if local:
        terms.insert(1, local)
    # Whole terms, not cut into words: a query matches a tag as its prefix (政务云 → 政务云平台),
    # and words cut out of a name would match other pages' tags as well.
    tags = list(dict.fromkeys(redact(t).strip() for t in terms if t.strip()))
    return {"tags": tags, "hide": ["tags"]}


def _without_place(jurisdiction: str, name: str) -> str | None:
    """``name`` without the place it starts with: the jurisdiction's name or its end, with or
    without the 县/市/区 (山东省金乡县: 金乡县政务云平台 → 政务云平台, 金乡经济开发区… → 经济开发区…)."""
    place = jurisdiction.split("（")[0].split("(")[0].strip()
    prefixes = {place[k:] for k in range(len(place) - 1)} | {place[k:-1] for k in range(len(place) - 2)}
    # A remainder shorter than four characters (测试县 → 系统) would match too many queries.
    found = max((p for p in prefixes if len(p) >= 2 and name.startswith(p) and len(name) - len(p) >= 4),
                key=len, default="")
    return name[len(found):] if found else None


def page(title: str, *blocks: str, **meta: object) -> str:
    """A whole page: front matter, the H1 and the blocks separated by blank lines."""
    body = "\n\n".join(block for block in blocks if block)
    return f"{front_matter(title, **meta)}# {esc(title)}\n\n{body}\n"


def paragraph(inner: str, *, cls: str = "") -> str:
    """A ``<p>`` around ``inner`` (already escaped HTML)."""
    klass = f' class="{cls}"' if cls else ""
    return f"<p{klass}>{inner}</p>"


def bullet_list(items: Iterable[str], *, cls: str = "") -> str:
    """``items`` are HTML fragments (already escaped)."""
    klass = f' class="{cls}"' if cls else ""
    inner = "".join(f"<li>{item}</li>" for item in items)
    return f"<ul{klass}>{inner}</ul>" if inner else ""


def definition_table(rows: Iterable[tuple[str, str]], *, cls: str = "registry-fields") -> str:
    """Two-column field table: label (escaped here) → value (an HTML fragment)."""
    body = "".join(f"<tr><th scope=\"row\">{esc(label)}</th><td>{value}</td></tr>" for label, value in rows)
    return scroll_box(f'<table class="{cls}"><tbody>{body}</tbody></table>') if body else ""


def scroll_box(table: str) -> str:
    """A table in a box of its own width that scrolls sideways on a narrow screen, so the page
    never does. Focusable, so that keyboard users can scroll it too."""
    return f'<div class="registry-scroll" tabindex="0" role="region" aria-label="表格（可左右滑动）">{table}</div>'


@dataclass
class Column:
    """A table column. ``filter`` asks tables.js for a drop-down filter on it; ``numeric`` sorts
    by number."""

    title: str
    filter: bool = False
    numeric: bool = False
    nowrap: bool = False  # short codes and badges: keep them on one line
    wide: bool = False  # long free text (messages, descriptions): given room to read
    total: bool = False  # numeric column whose sum tables.js shows for the rows filtered in


@dataclass
class Cell:
    """A cell: ``html`` is shown (already escaped). Sorting and filtering use the cell's text,
    or ``key`` where the text does not sort right (amounts with separators, counts in words)."""

    html: str
    key: str = ""

    @classmethod
    def text(cls, value: object) -> Cell:
        return cls(esc(value))


@dataclass
class Table:
    columns: Sequence[Column]
    rows: list[Sequence[Cell]] = field(default_factory=list)
    cls: str = ""
    interactive: bool = False  # sortable and filterable through tables.js
    empty: str = "（无）"

    def render(self) -> str:
        if not self.rows:
            return paragraph(esc(self.empty), cls="registry-empty")
        classes = " ".join(c for c in ("registry-table", self.cls) if c)
        data = " data-registry-table" if self.interactive else ""
        head = "".join(_th(c) for c in self.columns)
        body = "".join(
            "<tr>" + "".join(_td(cell, column) for cell, column in zip(row, self.columns)) + "</tr>"
            for row in self.rows
        )
        table = f'<table class="{classes}"{data}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        return scroll_box(table)


def _th(column: Column) -> str:
    attrs = ' data-filter' if column.filter else ""
    attrs += ' data-numeric' if column.numeric else ""
    attrs += ' data-total' if column.total else ""
    return f'<th scope="col"{attrs}{_classes(column)}>{esc(column.title)}</th>'


def _classes(column: Column) -> str:
    names = [name for name, on in (("nowrap", column.nowrap), ("wide", column.wide)) if on]
    return f' class="{" ".join(names)}"' if names else ""


def _td(cell: Cell, column: Column) -> str:
    key = f' data-key="{attr(cell.key)}"' if cell.key else ""
    return f"<td{key}{_classes(column)}>{cell.html}</td>"
