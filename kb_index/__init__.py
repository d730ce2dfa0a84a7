"""ShopAssist knowledge base: hybrid (dense + BM25) FAQ retrieval that abstains when unsure.

Build with `build_index` (or `shopassist kb build`), read with `KnowledgeBase`.
"""

from kb_index.articles import CATEGORIES, LANGS, Article
from kb_index.build import build_index
from kb_index.encoder import Encoder
from kb_index.errors import IndexMismatch, KbError, KbNotReady, SourceError, UnknownCategory, UnknownLanguage
from kb_index.index import Hit, SearchResult
from kb_index.knowledge_base import KnowledgeBase
from kb_index.tokenize import Tokenizer

__all__ = [
    "CATEGORIES", "LANGS", "Article", "Encoder", "Hit", "IndexMismatch", "KbError", "KbNotReady",
    "KnowledgeBase", "SearchResult", "SourceError", "Tokenizer", "UnknownCategory", "UnknownLanguage",
    "build_index",
]
