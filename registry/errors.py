"""The error every command turns into exit code 2: kept apart from the loader so that the
command line and the warm path of ``registry check`` can name it without importing the
models (pydantic) or the YAML parser."""
from __future__ import annotations

import dataclasses

from registry.findings import Message

CONFIG_FILE = "registry.yaml"


@dataclasses.dataclass
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
