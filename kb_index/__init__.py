"""ShopAssist knowledge base: hybrid (dense + BM25) FAQ retrieval that abstains when unsure.

Build with `build_index` (or `shopassist kb build`), read with `KnowledgeBase`.  The names below
are imported on first use (PEP 562), so `import kb_index` — or a command line that only parses
its arguments — does not load numpy, faiss or torch.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_HOMES = {
    "CATEGORIES": "articles", "LANGS": "articles", "Article": "articles", "build_index": "build",
    "Encoder": "encoder", "IndexMismatch": "errors", "KbError": "errors", "KbNotReady": "errors",
    "SourceError": "errors", "UnknownCategory": "errors", "UnknownLanguage": "errors", "Hit": "index",
    "SearchResult": "index", "KnowledgeBase": "knowledge_base", "Tokenizer": "tokenize",
}
__all__ = sorted(_HOMES)

if TYPE_CHECKING:
    from kb_index.articles import CATEGORIES, LANGS, Article
    from kb_index.build import build_index
    from kb_index.encoder import Encoder
    from kb_index.errors import IndexMismatch, KbError, KbNotReady, SourceError, UnknownCategory, UnknownLanguage
    from kb_index.index import Hit, SearchResult
    from kb_index.knowledge_base import KnowledgeBase
    from kb_index.tokenize import Tokenizer


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'kb_index' has no attribute {name!r}")
    return getattr(importlib.import_module(f"kb_index.{_HOMES[name]}"), name)
