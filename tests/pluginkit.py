"""A third-party rule profile installed the way a distribution installs one: a package on a
folder of ``sys.path`` and a ``.dist-info`` naming it in the ``registry.profiles`` entry points."""
from __future__ import annotations

from pathlib import Path


def demo_plug_in(folder: Path, checks: str) -> Path:
    """The profile ``demo`` (rule prefix DM) with ``checks`` as its rule module, installed in
    ``folder`` (returned: put it on ``PYTHONPATH``)."""
    package = folder / "demo_rules"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        'from registry.rules.profiles import Profile\n\nPROFILE = Profile(id="demo", jurisdiction="示例县", '
        'regulation="示例县管理办法", document="示例", prefix="DM", short_names=("示例县",))\n', "utf-8")
    (package / "checks.py").write_text(checks, "utf-8")
    info = folder / "demo_profile-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: demo-profile\nVersion: 1.0\n", "utf-8")
    (info / "entry_points.txt").write_text("[registry.profiles]\ndemo = demo_rules\n", "utf-8")
    return folder
