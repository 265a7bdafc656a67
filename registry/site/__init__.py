"""The catalog site's generated pages, independent of MkDocs.

:func:`generate` maps site-relative paths to Markdown pages (``str``) and asset files
(``bytes``): the MkDocs hook (``hooks/registry_pages.py``) adds them at build time, and
``registry site --out DIR`` writes them for any other static-site generator. Nothing
generated is committed.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from registry.site import (
    catalog, compliance, deadlines, home, opendata, records, rules_pages, summary, trend, units,
)
from registry.site.data import SiteData, gather

Content = str | bytes


@dataclasses.dataclass
class GeneratedSite:
    files: dict[str, Content]  # path → Markdown page or asset bytes
    sources: dict[str, str]  # page path → the registry file it shows (its "edit" link)
    reused: int = 0  # pages, file sets and change descriptions taken from the cache
    rendered: int = 0  # … and made afresh (with the cache on)


def build(data: SiteData) -> GeneratedSite:
    files: dict[str, Content] = {}
    for module in (home, catalog, records, units, compliance, trend, rules_pages, summary):
        files.update(module.pages(data))
    assets = opendata.assets(data, deadlines.assets(data))
    files.update(opendata.pages(data, assets))
    files.update(assets)
    sources = {**records.sources(data), **units.sources(data)}
    data.cache.save()
    return GeneratedSite(files, sources, data.cache.reused, data.cache.rendered)


def generate_site(root: Path, *, today: dt.date, use_cache: bool = True) -> GeneratedSite:
    """Pages, assets and edit sources of the registry at ``root``, as of ``today``. Pages whose
    content is unchanged since the last build come from the cache (:mod:`registry.site.pagecache`);
    ``use_cache=False`` renders every page."""
    return build(gather(root, today=today, use_cache=use_cache))


def generate(root: Path, *, today: dt.date, use_cache: bool = True) -> dict[str, Content]:
    """Site-relative path → Markdown page or asset bytes."""
    return generate_site(root, today=today, use_cache=use_cache).files


__all__ = ["Content", "GeneratedSite", "build", "generate", "generate_site"]
