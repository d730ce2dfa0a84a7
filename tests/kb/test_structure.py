"""Package boundaries: kb_index stays a library, and importing it loads no model."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

FORBIDDEN = ("gateway", "actions", "handoff")


def test_kb_index_never_imports_applications_or_handoff() -> None:
    offenders = []
    for path in sorted((REPO / "kb_index").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert not offenders


def test_import_and_construction_load_nothing_heavy(tmp_path: Path) -> None:
    code = (
        "import sys, pathlib, kb_index\n"
        f"kb_index.KnowledgeBase(pathlib.Path({str(tmp_path)!r})); kb_index.Encoder(); kb_index.Tokenizer()\n"
        "heavy = ('torch', 'sentence_transformers', 'gateway', 'actions', 'handoff')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120, check=True
    )
    assert proc.stdout.strip() == "[]"
