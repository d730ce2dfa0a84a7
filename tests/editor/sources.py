"""Editable copies of the bot's sources for tests that resolve misses, edit articles, train
or deploy through a real gateway: the repository's nlu_data/ and faq/ are never written."""

from __future__ import annotations

import shutil
from pathlib import Path

from gateway.ops import training
from gateway.settings import REPO_ROOT


def editable_sources(dest: Path) -> dict[str, str]:
    """Copy the Rasa project (everything a training reads) and the FAQ under `dest`; return the
    gateway settings (as environment variables) that point the editor API at the copies."""
    project = dest / "project"
    for name in training.SOURCES:
        source, target = REPO_ROOT / name, project / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    shutil.copytree(REPO_ROOT / "faq", dest / "faq")
    return {"SHOPASSIST_RASA_PROJECT_DIR": str(project), "SHOPASSIST_KB_SOURCE_DIR": str(dest / "faq")}
