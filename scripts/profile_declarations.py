"""Write registry/rules/declarations.py: the built-in profiles' ``profile.toml`` as a Python
table, so that a check run does not import ``tomllib`` and parse five files (see
:meth:`registry.rules.profiles.Profile.declared_in`). Run it after editing a ``profile.toml``;
tests/test_p23_profile_table.py fails while the table is not what this script writes (a stale
table is never used: each entry holds the exact text it was made from)."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "registry" / "rules" / "declarations.py"
HEADER = '''\
"""The built-in profiles' declarations (``profile.toml``) as Python: written by
scripts/profile_declarations.py, do not edit. Each entry holds the exact text of the file it
was made from; :meth:`registry.rules.profiles.Profile.declared_in` uses an entry only while the
package's ``profile.toml`` still holds that text, and parses the file otherwise."""
from registry.rules.profiles import Profile

DECLARED: dict[str, tuple[str, Profile]] = {
'''


def table() -> str:
    """The source of registry/rules/declarations.py for the profile.toml files under registry/rules/."""
    sys.path.insert(0, str(ROOT))
    from registry.plainclass import field_names
    from registry.rules.profiles import DECLARATION_FILE, Profile

    lines = [HEADER]
    for path in sorted((ROOT / "registry" / "rules").glob(f"*/{DECLARATION_FILE}")):
        package = f"registry.rules.{path.parent.name}"
        text = path.read_bytes().decode("utf-8")
        declared = Profile.from_toml(text, f"{package.replace('.', '/')}/{DECLARATION_FILE}")
        fields = ", ".join(f"{name}={getattr(declared, name)!r}" for name in field_names(Profile))
        lines.append(f"    {package!r}: (\n        {text!r},\n        Profile({fields}),\n    ),\n")
    lines.append("}\n")
    return "".join(lines)


if __name__ == "__main__":
    TABLE.write_text(table(), encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)}")
