"""``registry cms --out DIR``: the clerks' web form (Decap CMS) generated from the models."""
from __future__ import annotations

import argparse
from pathlib import Path

from registry.findings import Message
from registry.loader import ConfigError

NAME = "cms"
HELP = "生成办事员网页表单（Decap CMS）：admin/index.html、admin/config.yml 及程序文件"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="输出目录，写出 DIR/admin/（默认：登记簿根目录下的 public/）")
    parser.add_argument("--proxy-port", type=_port, default=None, metavar="PORT",
                        help="本机试用时 decap-server 的端口（默认 8081）")
    parser.add_argument("--config-only", action="store_true",
                        help="只写 index.html 和 config.yml，不安装 Decap CMS 程序（不需要 node）")
    parser.add_argument("--vendor", action="store_true",
                        help="把 Decap CMS 程序写入 registry.yaml 中 cms.bundle 指定的目录，供提交后无 node 构建")


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"端口应为 1–65535 的整数：{text}")
    return int(text)


def run(args: argparse.Namespace) -> int:
    from registry.cms import admin_files, assets
    from registry.cms.render import DEFAULT_PROXY
    from registry.loader import load_config

    config = load_config(args.root)
    if args.vendor:
        if config.cms is None or config.cms.bundle is None:
            raise ConfigError(Message("--vendor 需要在 registry.yaml 中设置 cms.bundle（程序包目录）",
                                      "--vendor needs cms.bundle in registry.yaml"))
        print(f"已写出 Decap CMS {assets.VERSION} 到 {assets.vendor(args.root, config.cms.bundle)}")
        return 0
    proxy = DEFAULT_PROXY if args.proxy_port is None else f"http://127.0.0.1:{args.proxy_port}/api/v1"
    files = admin_files(args.root, config, proxy_url=proxy, program=not args.config_only)
    out: Path = args.out if args.out is not None else args.root / "public"
    try:
        for path, content in files.items():
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    except OSError as exc:
        raise ConfigError(Message(f"无法写入 {exc.filename}：{exc.strerror}",
                                  f"cannot write {exc.filename}: {exc.strerror}"), path=str(out)) from None
    print(f"已写出网页表单到 {out / 'admin'}（{len(files)} 个文件）")
    if config.cms is None:
        print("registry.yaml 未配置 cms：表单只能在本机配合 decap-server 使用（见 README 办事员指南）")
    return 0
