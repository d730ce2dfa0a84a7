"""Rebuilding the FAQ index only when its sources (the FAQ files and the shop facts they cite) or the
embedding model changed (`make run`, deploys)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from contracts.shop_facts import SHOP_FACTS_FILE
from gateway.ops.console import say
from gateway.settings import Settings

if TYPE_CHECKING:
    from kb_index import Encoder


def ensure_kb_index(settings: Settings, encoder: Encoder | None = None) -> bool:
    """Build the FAQ index when its sources (or the model) changed since the last build;
    True when a new version was published.  `encoder`: an already loaded one to reuse."""
    from kb_index import build_index  # heavy import, only when we may build

    digest = hashlib.sha256(settings.embedding_model.encode())
    digest.update(SHOP_FACTS_FILE.read_bytes())  # a changed figure changes the answers
    for path in sorted(p for p in settings.kb_source_dir.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(settings.kb_source_dir)).encode() + b"\0" + path.read_bytes())
    stamp_file = settings.kb_index_dir / "source.sha256"
    current = settings.kb_index_dir / "current"
    if current.exists() and stamp_file.exists() and stamp_file.read_text() == digest.hexdigest():
        return False
    say("FAQ sources or shop facts changed; building the knowledge-base index ...")
    build_index(settings.kb_source_dir, settings.kb_index_dir, None if encoder else settings.embedding_model or None,
                encoder)
    stamp_file.write_text(digest.hexdigest())
    return True
