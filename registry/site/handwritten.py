"""The hand-written pages (``site/``: the home page's introduction, the guides, the theme's
assets) joined with the generated ones, the same way for every static-site generator: the
MkDocs hook does it at build time, ``registry site --out DIR --pages site`` writes the joined
folder for Zensical (zensical.toml) or any other generator.

A hand-written page at the path of a generated one wins; the generated content is put where it
holds the marker ``<!-- registry:generated -->`` (or after it, without one).
"""
from __future__ import annotations

from pathlib import Path

from registry.site import Content

MARKER = "<!-- registry:generated -->"
SKIPPED = ("overrides",)  # MkDocs theme overrides: not pages


def splice(handwritten: str, generated: str) -> str:
    """The hand-written page with the generated page's body at the marker."""
    body = without_front_matter(generated)
    if MARKER in handwritten:
        return handwritten.replace(MARKER, body, 1)
    return handwritten.rstrip("\n") + "\n\n" + body


def without_front_matter(markdown: str) -> str:
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 4)
        if end != -1:
            return markdown[end + len("\n---\n"):].lstrip("\n")
    return markdown


def joined(generated: dict[str, Content], pages: Path) -> dict[str, Content]:
    """Generated files plus every regular file under ``pages`` (symbolic links are not followed)."""
    out = dict(generated)
    for path in sorted(pages.rglob("*")):
        relative = path.relative_to(pages).as_posix()
        if path.is_symlink() or not path.is_file() or relative.split("/")[0] in SKIPPED:
            continue
        made = out.get(relative)
        if relative.endswith(".md") and isinstance(made, str):
            out[relative] = splice(path.read_text(encoding="utf-8"), made)
        else:
            out[relative] = path.read_bytes()
    return out
