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

import html
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
            blocks.append((name, line[start:tag.end()]))  # name: the outer element's, as it closes
            start = tag.end()
    return blocks if blocks and start == len(line) and not stack else None


Analysis = list[list[tuple[str, str]] | None]  # per line: its closed blocks, or None (no "<")


def analyse(lines: list[str], md: Markdown) -> Analysis | None:
    """Each line's closed blocks; None when a line holding ``<`` is not made of closed blocks."""
    found: Analysis = []
    for line in lines:
        if "<" not in line:
            found.append(None)
            continue
        blocks = closed_blocks(line, md)
        if blocks is None:
            return None  # a tag outside a closed block: the parser decides everything
        found.append(blocks)
    return found


class RawBlocks(Preprocessor):  # type: ignore[misc]
    """Wraps the page's HTML block preprocessor (``md_in_html``'s): closed one-line blocks are
    stored as they are, everything else is left to ``inner``."""

    def __init__(self, md: Markdown, inner: Preprocessor) -> None:
        super().__init__(md)
        self.inner = inner
        self._analysed: tuple[list[str], list[str], Analysis | None] | None = None

    def analysed(self, lines: list[str]) -> Analysis | None:
        """:func:`analyse`, once per page: :class:`Anchors` and :meth:`fast` both need it."""
        last = self._analysed
        if last is not None and last[0] is lines and last[1] == lines:
            return last[2]
        found = analyse(lines, self.md)
        self._analysed = (lines, list(lines), found)
        return found

    def run(self, lines: list[str]) -> list[str]:
        done = self.fast(lines) if _probe_agrees() else None
        return cast(list[str], self.inner.run(lines)) if done is None else done

    def fast(self, lines: list[str]) -> list[str] | None:
        """The preprocessed lines by way of stand-ins, or None to leave the page to ``inner``."""
        analysis = self.analysed(lines)
        if analysis is None or not any(analysis):
            return None
        blocks: list[str] = []
        shorter: list[str] = []
        for line, closed in zip(lines, analysis):
            if closed is None:
                shorter.append(line)
                continue
            stand_ins = []
            for outer, text in closed:
                stand_ins.append(f"<{outer}>{STX}{_MARK}{len(blocks)}{ETX}</{outer}>")
                blocks.append(text)
            shorter.append("".join(stand_ins))
        stash = self.md.htmlStash
        before = len(stash.rawHtmlBlocks), stash.html_counter
        result: list[str] = self.inner.run(shorter)
        if _put_back(stash.rawHtmlBlocks, before[0], blocks) and not any(_MARK in line for line in result):
            return result
        del stash.rawHtmlBlocks[before[0]:]  # not as expected: undo, the parser reads the page
        stash.html_counter = before[1]
        return None


class Anchors(Preprocessor):  # type: ignore[misc]
    """MkDocs parses every page once more (its ``mkdocs_raw_html`` preprocessor) only to collect
    the ``id`` (and ``<a name>``) values of raw HTML, which links may point at. On a page whose
    tags all lie in closed blocks those are read from the tags directly, and MkDocs' pass is
    skipped for this page, with the same set of anchors."""

    def __init__(self, md: Markdown, blocks: RawBlocks) -> None:
        super().__init__(md)
        self.blocks = blocks

    def run(self, lines: list[str]) -> list[str]:
        finder = self.md.preprocessors[MKDOCS_ANCHORS] if MKDOCS_ANCHORS in self.md.preprocessors else None
        if finder is None or not is_mkdocs_anchor_finder(finder) or not _probe_agrees():
            return lines
        analysis = self.blocks.analysed(lines)
        if analysis is None:
            return lines
        finder.present_anchor_ids = anchor_ids(analysis)
        finder.run = _unchanged  # this page's finder only: MkDocs makes one per page
        return lines


MKDOCS_ANCHORS = "mkdocs_raw_html"


def is_mkdocs_anchor_finder(preprocessor: object) -> bool:
    kind = type(preprocessor)
    return (kind.__module__, kind.__name__) == ("mkdocs.structure.pages", "_RawHTMLPreprocessor") and isinstance(
        getattr(preprocessor, "present_anchor_ids", None), set)


def _unchanged(lines: list[str]) -> list[str]:
    return lines


# An id or name attribute somewhere in a block (most blocks have none).
_ANCHOR_HINT = re.compile(r"(?i) (?:id|name)[ =/>]")
_ATTRIBUTE = re.compile(r' ([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:(=)"([^"]*)")?')


def anchor_ids(analysis: Analysis) -> set[str | None]:
    """What MkDocs' ``_HTMLHandler`` collects from these blocks: every start tag's ``id`` and an
    ``<a>``'s ``name``, unescaped as :mod:`html.parser` does (None for a bare attribute)."""
    found: set[str | None] = set()
    for closed in analysis:
        for _, text in closed or ():
            if _ANCHOR_HINT.search(text) is None:
                continue
            for tag in _TAGS.finditer(text):
                closing, name, attributes = tag.group(1, 2, 3)
                if closing or not attributes:
                    continue
                for key, equals, value in _ATTRIBUTE.findall(attributes):
                    key = key.lower()
                    if key == "id" or (key == "name" and name.lower() == "a"):
                        found.add((html.unescape(value) if value else value) if equals else None)
    return found


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
            blocks = RawBlocks(md, md.preprocessors["html_block"])
            md.preprocessors.register(blocks, "html_block", 20)
            # Just before MkDocs' own (21, registered per page after the extensions).
            md.preprocessors.register(Anchors(md, blocks), "registry_anchors", 21.5)


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
    '<div class="a" id="top&amp;1"><div><span>x</span></div><div>y</div></div>',
    "",
    '<p><a name="n&#38;1" href="#top&amp;1">x</a><span id>y</span><span ID="">z</span><b name="b">w</b></p>',
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
        _agrees = _convert(_PROBE, fast=True) == _convert(_PROBE, fast=False) and _anchors_agree(_PROBE)
    return _agrees


def _anchors_agree(text: str) -> bool:
    """:func:`anchor_ids` finds what MkDocs' own pass finds (True without MkDocs: not used)."""
    try:
        from mkdocs.structure.pages import _HTMLHandler
    except ImportError:
        return True
    handler = _HTMLHandler()
    handler.feed(text)
    handler.close()
    analysis = analyse(text.split("\n"), Markdown(extensions=["md_in_html"]))
    return analysis is not None and anchor_ids(analysis) == handler.present_anchor_ids


def _convert(text: str, *, fast: bool) -> str | None:
    """``text`` in HTML, by the parser alone or by the fast path (None if that was not taken)."""
    md = Markdown(extensions=["md_in_html", "attr_list", "tables", "toc"])
    if not fast:
        return cast(str, md.convert(text))
    probe = _Probe(md, md.preprocessors["html_block"])
    md.preprocessors.register(probe, "html_block", 20)
    result: str = md.convert(text)
    return result if probe.fast_path_taken else None


class _Probe(RawBlocks):
    fast_path_taken = False

    def run(self, lines: list[str]) -> list[str]:
        done = self.fast(lines)
        self.fast_path_taken = done is not None
        return cast(list[str], self.inner.run(lines)) if done is None else done
