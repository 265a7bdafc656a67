"""One mechanism for every command's output formats (check-jsonschema's reporter map).

A command first collects its result (a :class:`~registry.findings.Report`, a diff, a rule
listing, an inventory, a catalog) and only then renders it, with the one renderer its
``--format`` names. Each command declares its formats once, as a :class:`Renderers` map::

    FORMATS: Renderers[Diff, str] = Renderers("markdown")
    FORMATS.add("markdown", "Markdown，用于合并请求评论", render_markdown)
    FORMATS.add("json", "JSON，供程序读取", render_json)

and the same map gives argparse its choices and help text (:meth:`Renderers.add_argument`) and
picks the renderer (:meth:`Renderers.render`). Adding a format is one ``add`` call next to
the function that renders it; no command has an ``if``/``elif`` over format names.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Generic, TypeVar

from registry import plainclass
from registry.errors import ConfigError
from registry.findings import Message

if TYPE_CHECKING:  # (the commit hook parses its command line without argparse: not imported for a type)
    import argparse

T = TypeVar("T")  # what is rendered: a report, a diff, a listing …
O = TypeVar("O")  # what rendering gives: text for standard output, or files by name


@plainclass.dataclass(frozen=True)
class Renderer(Generic[T, O]):
    """One output format: its name (the ``--format`` value), a Chinese description, and the
    function that renders a result in it."""

    name: str
    help: str
    render: Callable[[T, str], O]  # (result, language "zh"/"en") → output


class Renderers(Mapping[str, Callable[[T, str], O]], Generic[T, O]):
    """The output formats of one command, by name, in the order they were added.

    As a mapping it gives each format's render function (``REPORTERS["sarif"](report, "zh")``;
    a name not registered is a ``KeyError`` there, a usage error in :meth:`render`)."""

    def __init__(self, default: str | None = None) -> None:
        self.default = default
        self._by_name: dict[str, Renderer[T, O]] = {}

    def add(self, name: str, help: str, render: Callable[[T, str], O]) -> Callable[[T, str], O]:
        """Register ``render`` as format ``name``; returns it, so this also works as a call
        after the function's definition. A name is registered once."""
        if name in self._by_name:
            raise ValueError(f"output format {name} is registered twice")
        self._by_name[name] = Renderer(name, help, render)
        return render

    def renderer(self, name: str) -> Renderer[T, O]:
        """The renderer of format ``name``; a name not registered is a usage error (exit 2)."""
        found = self._by_name.get(name)
        if found is None:
            known = list(self._by_name)
            raise ConfigError(Message(f"未知的输出格式 {name}：可选 {'、'.join(known)}",
                                      f"unknown output format {name}: choose from {', '.join(known)}"), path="--format")
        return found

    def render(self, name: str, result: T, lang: str) -> O:
        """``result`` in format ``name``."""
        return self.renderer(name).render(result, lang)

    def help_text(self) -> str:
        """``输出格式：text 文本（默认）；json …`` for ``--help``."""
        parts = [f"{r.name} {r.help}" + ("（默认）" if r.name == self.default else "") for r in self._by_name.values()]
        return "输出格式：" + "；".join(parts)

    def add_argument(self, parser: argparse.ArgumentParser, *, required: bool = False) -> None:
        """``--format`` with these formats as its choices (argparse refuses any other value:
        exit 2, in Chinese), their descriptions as its help, and the default."""
        if required:
            parser.add_argument("--format", choices=list(self), required=True, help=self.help_text())
        else:
            parser.add_argument("--format", choices=list(self), default=self.default, help=self.help_text())

    # Mapping: name → render function
    def __getitem__(self, name: str) -> Callable[[T, str], O]:
        return self._by_name[name].render

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)


__all__ = ["Renderer", "Renderers"]
