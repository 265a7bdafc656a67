"""The raw HTML blocks of generated pages, stashed without parsing them tag by tag.

A generated page is mostly one-line raw HTML blocks (tables, lists, charts). Python-Markdown's
``md_in_html`` finds such a block by feeding the whole page through :mod:`html.parser`, one
Python call per tag, only to store the block's text unchanged: about two thirds of the time
MkDocs spends converting these pages. :class:`RawBlocks` (added by the MkDocs hook) gives the
same HTML for less:

1. a line that is a *closed* block — it starts with a block-level start tag, holds only plain
   start, end and self-closing tags with double-quoted attribute values, text without ``<`` and
   entity references ending in ``;``, and its outer element closes exactly at its end — is
   replaced by a short stand-in block with the same outer tag (``<div>␂registry-raw:N␃</div>``);
2. the page's own HTML block preprocessor runs on that shorter page, so where a block starts
   and ends, blank lines, tails and the stash numbering are decided by Python-Markdown itself;
3. each stand-in in the stash is swapped for the line it stands for. The parser would have
   stored that line's text verbatim: a closed block's tags only push and pop its own elements.

It is used only when it cannot change the output: every line outside the closed blocks must be
free of ``<`` (so no comment, script or unclosed tag around a block changes the parser's state),
each stand-in must come back exactly once and only inside the stash, and a probe page must give
the same result both ways with the installed Python-Markdown and Python (checked once per
process). Otherwise the page goes through the original preprocessor unchanged.
"""
from __future__ import annotations

import re
from typing import Any, cast

from markdown import Extension, Markdown  # type: ignore[import-untyped]
from markdown.extensions.md_in_html import HtmlBlockPreprocessor  # type: ignore[import-untyped]
from markdown.preprocessors import Preprocessor  # type: ignore[import-untyped]
from markdown.util import ETX, STX  # type: ignore[import-untyped]

# A start, end or self-closing tag: lowercase-or-uppercase ASCII name, attributes separated by
# one space, values in double quotes without < > ` or a line break. Anything else (comments,
# <!…>, <?…?>, bare or single-quoted values, backticks) makes the line "not closed".
_TAG = (r'<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?: [a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"<>`\n]*")?)*)( ?/)?>')
_ENTITY = r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);"
# Possessive: a line that does not match fails at once instead of backtracking.
_LINE = re.compile(rf"(?:{_TAG}|[^<&\n]++|{_ENTITY})*+")
_TAGS = re.compile(_TAG)
# Elements whose content the HTML parser reads as text (or Python-Markdown keeps raw): a line
# holding one is left to the parser. ``title`` (an SVG chart's tooltip) is checked by the probe.
_UNSAFE = re.compile(r"(?i)</?(?:script|style|textarea|plaintext|xmp|iframe|noembed|noframes|noscript|pre|canvas"
                     r"|math|option|hr)[ />]")
_MARKDOWN = re.compile("(?i)markdown")  # md_in_html's markdown="1": parsed, not stored
_MARK = "registry-raw:"
_STAND_IN = re.compile(f"<([a-zA-Z][a-zA-Z0-9-]*)>{STX}{_MARK}([0-9]+){ETX}</\\1>")


def closed_blocks(line: str, md: Markdown) -> list[tuple[str, str]] | None:
    """The closed raw HTML blocks (outer tag, text) that ``line`` consists of, one after the
    other (see the module); None when the line is anything else."""
    if (not line.startswith("<") or _MARKDOWN.search(line) or _UNSAFE.search(line)
            or _LINE.fullmatch(line) is None):
        return None
    blocks: list[tuple[str, str]] = []
    stack: list[str] = []
    start = 0
    for tag in _TAGS.finditer(line):
        closing, name, self_closing = tag.group(1, 2, 4)
        name = name.lower()
        if not stack:  # a block starts here, right where the last one ended
            if closing or self_closing or tag.start() != start or not md.is_block_level(name):
                return None
        if self_closing:
            continue
        if not closing:
            stack.append(name)
            continue
        if name not in stack:
            return None
        while stack.pop() != name:
            pass
        if not stack:
            blocks.append((line[start:start + 1 + len(name)].lstrip("<"), line[start:tag.end()]))
            start = tag.end()
    return blocks if blocks and start == len(line) and not stack else None


class RawBlocks(Preprocessor):  # type: ignore[misc]
    """Wraps the page's HTML block preprocessor (``md_in_html``'s): closed one-line blocks are
    stored as they are, everything else is left to ``inner``."""

    def __init__(self, md: Markdown, inner: Preprocessor) -> None:
        super().__init__(md)
        self.inner = inner

    def run(self, lines: list[str]) -> list[str]:
        done = self.fast(lines) if _probe_agrees() else None
        return cast(list[str], self.inner.run(lines)) if done is None else done

    def fast(self, lines: list[str]) -> list[str] | None:
        """The preprocessed lines by way of stand-ins, or None to leave the page to ``inner``."""
        blocks: list[str] = []
        shorter: list[str] = []
        for line in lines:
            closed = closed_blocks(line, self.md) if line.startswith("<") else None
            if closed is not None:
                stand_ins = []
                for outer, text in closed:
                    stand_ins.append(f"<{outer}>{STX}{_MARK}{len(blocks)}{ETX}</{outer}>")
                    blocks.append(text)
                shorter.append("".join(stand_ins))
            elif "<" in line:
                return None  # a tag outside a closed block: the parser decides everything
            else:
                shorter.append(line)
        if not blocks:
            return None
        stash = self.md.htmlStash
        before = len(stash.rawHtmlBlocks), stash.html_counter
        result: list[str] = self.inner.run(shorter)
        if _put_back(stash.rawHtmlBlocks, before[0], blocks) and not any(_MARK in line for line in result):
            return result
        del stash.rawHtmlBlocks[before[0]:]  # not as expected: undo, the parser reads the page
        stash.html_counter = before[1]
        return None


def _put_back(stashed: list[Any], start: int, blocks: list[str]) -> bool:
    """Swap every stand-in stored since ``start`` for its line; True when each was found once."""
    seen = [0] * len(blocks)

    def original(found: re.Match[str]) -> str:
        index = int(found.group(2))
        seen[index] += 1
        return blocks[index]

    for position in range(start, len(stashed)):
        entry = stashed[position]
        if isinstance(entry, str):
            if STX in entry:
                stashed[position] = _STAND_IN.sub(original, entry)
        elif _MARK in "".join(entry.itertext()):  # an element (markdown="1"): never expected
            return False
    return all(count == 1 for count in seen)


class RawBlocksExtension(Extension):  # type: ignore[misc]
    """Add to ``markdown_extensions`` after ``md_in_html`` (the MkDocs hook does, in on_config)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # Only md_in_html's preprocessor: the probe checks the fast path against that one.
        if "html_block" in md.preprocessors and type(md.preprocessors["html_block"]) is HtmlBlockPreprocessor:
            md.preprocessors.register(RawBlocks(md, md.preprocessors["html_block"]), "html_block", 20)


# A page with every kind of line the generator writes: closed blocks with entities, line breaks,
# valueless attributes, nested tables, an SVG chart with a <title>, blocks with and without a
# blank line after them, and one at the very end.
_PROBE = "\n".join([
    "# 标题 &#35; 一",
    "",
    '<p class="registry-lead"><code>a&#95;b</code> · <a href="../units/x.html">单位</a> · '
    '<span class="registry-badge status-building">建设中</span></p>',
    "",
    "## 表 &amp; 图",
    "",
    '<div class="registry-scroll" tabindex="0" role="region" aria-label="表格"><table class="registry-table" '
    'data-registry-table><thead><tr><th scope="col" data-filter class="nowrap">级别</th></tr></thead><tbody>'
    '<tr><td data-key="&#60;1&#62;">甲<br>乙 &amp; 丙</td></tr><tr><td><ol><li>一</li></ol></td></tr>'
    "</tbody></table></div>",
    '<figure class="registry-chart"><svg viewBox="0 0 10 10" role="img"><title>图 &#60;1&#62;</title>'
    '<g><rect x="0" y="0" width="1" height="2"/><text x="1">1</text></g><polyline points="0,0 1,1" />'
    "</svg><figcaption>说明</figcaption></figure>",
    "正文紧接其后",
    "",
    '<div class="a"><div><span>x</span></div><div>y</div></div>',
    "",
    "",
    '<div class="b"><table><tbody><tr><td>1</td></tr></tbody></table></div><p>后</p><div><span>二</span></div>',
    "",
    "<ul><li>一</li><li>二</li></ul>",
])
_agrees: bool | None = None


def _probe_agrees() -> bool:
    """Whether the fast path gives the parser's own result on the probe (once per process)."""
    global _agrees
    if _agrees is None:
        _agrees = _convert(_PROBE, fast=True) == _convert(_PROBE, fast=False)
    return _agrees


def _convert(text: str, *, fast: bool) -> str | None:
    """``text`` in HTML, by the parser alone or by the fast path (None if that was not taken)."""
    md = Markdown(extensions=["md_in_html", "attr_list", "tables", "toc"])
    if not fast:
        return cast(str, md.convert(text))
    probe = _Probe(md, md.preprocessors["html_block"])
    md.preprocessors.register(probe, "html_block", 20)
    html: str = md.convert(text)
    return html if probe.fast_path_taken else None


class _Probe(RawBlocks):
    fast_path_taken = False

    def run(self, lines: list[str]) -> list[str]:
        done = self.fast(lines)
        self.fast_path_taken = done is not None
        return cast(list[str], self.inner.run(lines)) if done is None else done
