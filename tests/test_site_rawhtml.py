"""registry.site.rawhtml: generated pages' raw HTML blocks stored without tag-by-tag parsing must
give exactly the HTML Python-Markdown gives by parsing them, for our pages and hostile ones."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import markdown  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.site import generate, rawhtml
from mkdocs.structure.pages import _RawHTMLPreprocessor

from registry.site.rawhtml import Anchors, RawBlocks, RawBlocksExtension, anchor_ids, closed_blocks
from sitebuild import fixture_copy

# The project's mkdocs.yml markdown_extensions.
EXTENSIONS: list[Any] = ["toc", "attr_list", "md_in_html", "tables", "admonition", "pymdownx.details",
                         "pymdownx.superfences"]
CONFIGS = {"toc": {"permalink": True}}


class Counting(RawBlocks):
    """Records whether the fast path was taken (not left to the parser)."""

    taken = 0

    def fast(self, lines: list[str]) -> list[str] | None:
        done = super().fast(lines)
        Counting.taken += done is not None
        return done


class CountingExtension(RawBlocksExtension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        super().extendMarkdown(md)
        counting = Counting(md, md.preprocessors["html_block"].inner)
        md.preprocessors.register(counting, "html_block", 20)
        md.preprocessors.register(Anchors(md, counting), "registry_anchors", 21.5)


def render(text: str, *, fast: bool) -> tuple[str, set[str | None]]:
    """HTML and anchors as MkDocs' Page.render makes them (its anchor finder registered last)."""
    extensions = EXTENSIONS + [CountingExtension()] if fast else EXTENSIONS
    md = markdown.Markdown(extensions=extensions, extension_configs=CONFIGS)
    finder = _RawHTMLPreprocessor()
    finder._register(md)
    return str(md.convert(text)), finder.present_anchor_ids


def convert(text: str, *, fast: bool) -> tuple[str, set[str | None]]:
    return render(text, fast=fast)


def body(page: str) -> str:
    """The page without its front matter, as MkDocs hands it to Python-Markdown."""
    if page.startswith("---\n"):
        return page.split("\n---\n", 1)[1]
    return page


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    files = generate(fixture_copy("hostile", tmp_path_factory), today=dt.date(2025, 12, 1), use_cache=False)
    return {path: content for path, content in files.items() if isinstance(content, str)}


def test_every_generated_page_gives_the_parsers_html(hostile_pages: dict[str, str]) -> None:
    Counting.taken = 0
    different = [path for path, page in hostile_pages.items()
                 if convert(body(page), fast=True) != convert(body(page), fast=False)]
    assert different == []
    records = [path for path in hostile_pages if path.startswith(("systems/", "projects/"))]
    # The hostile fixture's record pages (names with <script>, entities, line breaks…) all go
    # the fast way: their user text is escaped, so every line is a closed block or plain text.
    assert Counting.taken >= len(records) > 0


def test_the_hook_adds_the_extension_to_mkdocs(tmp_path: Path) -> None:
    from mkdocs.config import load_config

    hook = Path(__file__).resolve().parent.parent / "hooks" / "registry_pages.py"
    namespace: dict[str, Any] = {}
    exec(compile(hook.read_text("utf-8"), str(hook), "exec"), namespace)  # noqa: S102
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nuse_directory_urls: false\nmarkdown_extensions: [md_in_html]\n",
                                         encoding="utf-8")
    config = namespace["on_config"](load_config(str(tmp_path / "mkdocs.yml")))
    assert any(isinstance(e, RawBlocksExtension) for e in config.markdown_extensions)


@pytest.mark.parametrize("line, outers", [
    ('<div class="a"><table><tbody><tr><td>1</td></tr></tbody></table></div>', ["div"]),
    ("<p>甲<br>乙 &amp; &#60;丙&#x3E;</p>", ["p"]),
    ('<div><div>a</div></div><p>b</p><ul><li>c</li></ul>', ["div", "p", "ul"]),
    ('<figure><svg viewBox="0 0 1 1"><title>t</title><rect x="0"/><g></g></svg></figure>', ["figure"]),
    ('<div data-registry-table data-filter>x</div>', ["div"]),
])
def test_closed_blocks(line: str, outers: list[str]) -> None:
    md = markdown.Markdown(extensions=["md_in_html"])
    found = closed_blocks(line, md)
    assert found is not None and [outer for outer, _ in found] == outers
    assert "".join(text for _, text in found) == line


@pytest.mark.parametrize("line", [
    "<span>inline outer</span>",  # not a block-level element: the parser makes it a paragraph
    "<div>a</div> tail",  # text after the block
    "<div>a</div>tail<p>b</p>",
    " <div>a</div>",  # indented
    "<div>unclosed",
    "<div><span>a</div>",  # the span is popped by </div>: fine for the parser, but not "closed"? see below
    "<div></span></div>",  # an end tag of nothing open
    "<div><!-- c --></div>",
    "<div><script>x</script></div>",
    "<div><style>p{}</style></div>",
    "<div><pre>x</pre></div>",
    "<div><hr></div>",
    '<div markdown="1">*a*</div>',
    "<div MARKDOWN>*a*</div>",
    "<div class='single'>a</div>",
    "<div class=bare>a</div>",
    '<div title="a`b">a</div>',
    "<div>a & b</div>",
    "<div>&amp</div>",
    "<div><?php x ?></div>",
    "<div><![CDATA[x]]></div>",
    "<div/>",
    "</div>",
    "<hr>",
])
def test_lines_that_are_left_to_the_parser(line: str) -> None:
    md = markdown.Markdown(extensions=["md_in_html"])
    if line == "<div><span>a</div>":
        # Unbalanced inside, but the outer element still closes at the end: stored verbatim by
        # the parser as well, so accepting it is exact.
        assert closed_blocks(line, md) == [("div", line)]
        return
    assert closed_blocks(line, md) is None


# Lines an attacker (or a hand-written page) might put around closed blocks.
FRAGMENTS = [
    '<div class="registry-scroll"><table><tbody><tr><td data-key="&#60;1&#62;">甲<br>乙</td></tr></tbody></table></div>',
    "<p>段落 &amp; 文字</p>",
    '<div><div>a</div></div><p>b</p>',
    "<ul><li>一</li><li>二</li></ul>",
    '<figure><svg viewBox="0 0 1 1"><title>t &#60;</title><rect x="0"/></svg></figure>',
    "<div>",
    "</div>",
    "<!--",
    "-->",
    "<!-- note -->",
    '<div markdown="1">',
    "*强调* 文本",
    "## 标题 {#anchor}",
    "```",
    "```html",
    "<script>",
    "</script>",
    "<pre>",
    "</pre>",
    "    <div>缩进</div>",
    "> <div>引用</div>",
    "- 列表",
    "text <b>inline",
    "</b> after",
    "<span title=\"a\nb\">",
    "&amp;",
    "a < b",
    '<div id="top&amp;1"><a name="n&#38;1" href="#top">x</a><span id>y</span><b name="b">z</b></div>',
    '<p id="">空</p><p ID="Up">大写</p>',
    "<a id=bare>x</a>",
    '<span id="inline">x</span>',
    "",
    "",
    "",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=14))
def test_any_page_gives_the_parsers_html(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert convert(text, fast=True) == convert(text, fast=False)


CLOSED = [f for f in FRAGMENTS if "<" not in f or (f.startswith(("<div", "<p", "<ul", "<figure"))
                                                  and f.endswith(("</div>", "</p>", "</ul>", "</figure>")))]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(CLOSED),
                min_size=1, max_size=14))
def test_pages_of_closed_blocks_take_the_fast_path_and_give_the_parsers_html(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert convert(text, fast=True) == convert(text, fast=False)


def test_the_probe_agrees_with_the_installed_parser() -> None:
    rawhtml._agrees = None
    assert rawhtml._probe_agrees()


def test_a_disagreeing_probe_turns_the_fast_path_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rawhtml, "_agrees", False)
    Counting.taken = 0
    assert convert("<p>a</p>\n\n<div>b</div>", fast=True) == convert("<p>a</p>\n\n<div>b</div>", fast=False)
    assert Counting.taken == 0


def test_anchor_ids_are_what_mkdocs_collects() -> None:
    text = '<div id="a&amp;b"><a name="n">x</a><span id>y</span><b name="no">z</b><i ID="C"></i></div>'
    md = markdown.Markdown(extensions=["md_in_html"])
    blocks = closed_blocks(text, md)
    assert blocks is not None
    assert anchor_ids([blocks]) == {"a&b", "n", None, "C"} == render(text, fast=False)[1]


def test_mkdocs_anchor_pass_is_skipped_only_on_pages_of_closed_blocks() -> None:
    Counting.taken = 0
    page = '<div id="x">a</div>\n\n## 标题\n\n<p><a name="y">b</a></p>\n'
    assert render(page, fast=True) == render(page, fast=False)
    assert render(page, fast=True)[1] == {"x", "y"} and Counting.taken == 2
    mixed = page + "\ntext <b id=\"z\">inline</b>\n"
    assert render(mixed, fast=True) == render(mixed, fast=False)
    assert "z" in render(mixed, fast=True)[1]
