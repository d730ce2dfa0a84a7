"""`python -m kb_index kb ...`: the kb command without the gateway's CLI (handy in development)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb_index import cli

REPO_ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb_index")
    sub = parser.add_subparsers(dest="command", required=True)
    cli.register(sub, source_dir=REPO_ROOT / "faq", index_dir=REPO_ROOT / "var" / "kb", model=None)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
