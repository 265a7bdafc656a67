"""MkDocs hook: add the registry's generated pages at build time (nothing generated is committed).

``on_files`` asks :mod:`registry.site` for every page and asset and adds them as virtual files;
a record's or unit's page gets an "edit" link to the YAML file it shows. A hand-written page at
the same path as a generated one (the home page ``index.md``) wins, and the generated content
is put where it holds the marker ``<!-- registry:generated -->``.

The build date is today, or ``REGISTRY_TODAY`` (YYYY-MM-DD) for a reproducible build.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.plugins.registry")

TODAY_VARIABLE = "REGISTRY_TODAY"

# Generated Markdown kept from on_files for pages whose hand-written file takes its place.
_spliced: dict[str, str] = {}
# Generated files whose content MkDocs still needs: a page's until MkDocs has read it (then its
# Markdown is held by the page), any other file's until MkDocs has copied it (done before the
# first page is built). Emptied after that, so that the build does not hold every page twice.
_in_memory: dict[str, File] = {}


def registry_root(config: MkDocsConfig) -> Path:
    """The registry lives next to mkdocs.yml (registry.yaml, systems/, projects/)."""
    return Path(config.config_file_path or ".").resolve().parent


def build_date() -> dt.date:
    value = os.environ.get(TODAY_VARIABLE)
    if not value:
        return dt.date.today()
    from registry.dates import TODAY_FIRST, TODAY_LAST, today_in_range

    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise PluginError(f"环境变量 {TODAY_VARIABLE} 应为 YYYY-MM-DD 格式的日期，现为 {value!r}") from None
    if not today_in_range(day):
        raise PluginError(f"环境变量 {TODAY_VARIABLE} 的日期 {value} 超出允许范围：应在 {TODAY_FIRST} 至 {TODAY_LAST} 之间")
    return day


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if config.use_directory_urls:
        # Generated pages link to each other in raw HTML, which MkDocs does not rewrite.
        raise PluginError("registry_pages 钩子要求 mkdocs.yml 设置 use_directory_urls: false")
    if not config.repo_url:
        # No hosting repository configured (REGISTRY_REPO_URL unset): no repository link and
        # no edit links, rather than links to a placeholder.
        config.edit_uri = None
    from registry.site.rawhtml import RawBlocksExtension

    # Generated pages are mostly one-line raw HTML blocks: stored as they are rather than parsed
    # tag by tag, with the same HTML as a result (see registry/site/rawhtml.py).
    extensions: list[Any] = config.markdown_extensions
    extensions.append(RawBlocksExtension())
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    from registry.cms import site_files
    from registry.loader import ConfigError  # the generator is imported only when building
    from registry.site import generate_site

    root = registry_root(config)
    try:
        site = generate_site(root, today=build_date())
        admin = site_files(root)  # the clerks' web form, when registry.yaml has cms:
    except ConfigError as exc:
        raise PluginError(f"无法生成登记簿页面：{exc.text('zh')}") from None
    except OSError as exc:
        raise PluginError(f"无法读取登记簿文件 {exc.filename}：{exc.strerror}") from None
    except PluginError:
        raise
    except Exception as exc:  # a bug: one line asking for a report, the traceback only when debugging
        from registry.cli import debug_enabled, internal_error_message

        if debug_enabled():
            raise
        raise PluginError(internal_error_message(exc)) from None
    _spliced.clear()
    _in_memory.clear()
    docs_dir = Path(config.docs_dir)
    for path, content in site.files.items():
        if files.get_file_from_path(path) is not None:
            if isinstance(content, str):
                _spliced[path] = content
            continue
        file = File.generated(config, path, content=content)
        source = site.sources.get(path)
        # Relative to docs_dir, so that edit_uri (which points at docs_dir) + this path
        # resolves to the YAML file in the repository.
        file.edit_uri = (Path(os.path.relpath(root / source, docs_dir)).as_posix()
                         if source and config.repo_url else None)
        files.append(file)
        _in_memory[path] = file
    for path, content in admin.items():
        files.append(File.generated(config, path, content=content))
    log.info("登记簿页面：生成 %d 个文件（缓存中取用 %d 项，重新生成 %d 项）",
             len(site.files) + len(admin), site.reused, site.rendered)
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    from registry.site.handwritten import splice  # the same joining as `registry site --pages`

    if _in_memory.get(page.file.src_uri) is page.file:
        del _in_memory[page.file.src_uri]
        page.file.content_string = ""  # read: ``markdown`` holds it now
    generated = _spliced.get(page.file.src_uri)
    return markdown if generated is None else splice(markdown, generated)


def on_page_context(context: Any, page: Page, config: MkDocsConfig, nav: Any) -> Any:
    """MkDocs copies the static files (the open-data downloads…) before it builds the first page."""
    for file in _in_memory.values():
        if not file.is_documentation_page():
            file.content_bytes = b""
    _in_memory.clear()
    return context


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """``mkdocs serve`` also rebuilds when a record or registry.yaml changes."""
    root = registry_root(config)
    for name in ("registry.yaml", "systems", "projects"):
        if (root / name).exists():
            server.watch(str(root / name))
    return server
