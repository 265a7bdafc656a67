"""The error that ends a command with exit code 2: registry.yaml or the command line cannot be
used. Raised at any depth (loading, git, a command's options) and turned into one line of text
by :func:`registry.cli.main`; defined here, below everything that raises it, so that raising it
imports nothing else (``registry.loader`` re-exports it for its many callers) — in particular
not the models: the command line and the warm path of ``registry check`` name it without
loading pydantic."""
from __future__ import annotations

from typing import TYPE_CHECKING

from registry import plainclass
from registry.findings import Message

if TYPE_CHECKING:
    from pydantic import ValidationError

# registry.models.config.CONFIG_FILE, spelt out: importing the models package here would load
# pydantic wherever an error can be raised (tests/test_stat_index.py checks they agree)
CONFIG_FILE = "registry.yaml"


@plainclass.dataclass
class ConfigError(Exception):
    """registry.yaml (or the command line) cannot be used: exit 2."""

    message: Message
    path: str = CONFIG_FILE
    line: int = 0  # 0: no position (a command-line value, a missing file, a git failure)
    column: int = 0
    loc: tuple[str | int, ...] = ()  # the offending key of registry.yaml, when known

    def text(self, lang: str) -> str:
        """``path:line:column: message`` at a place in a file; otherwise the message, after the
        file's name unless it is a command-line option or the message names it already."""
        message = self.message.text(lang)
        if self.line > 0:
            return f"{self.path}:{self.line}:{self.column}: {message}"
        if not self.path or self.path.startswith("-") or self.path in message:
            return message
        return f"{self.path}: {message}"



def validation_error() -> type[ValidationError]:
    """pydantic's ``ValidationError``, imported when asked: ``except validation_error() as exc``
    evaluates it only once an exception is on its way, so the paths that validate nothing never
    load pydantic."""
    from pydantic import ValidationError

    return ValidationError
