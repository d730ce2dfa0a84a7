"""The read side used by the gateway and the action server.

Construction is free; `warm_up()` loads the encoder, Kiwi and the current version.
Each search checks the `current` pointer at most once per second (one stat call) and
swaps to a newly published version by replacing a single reference, so concurrent
searches see either the old index or the new one, never a mix.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from kb_index import layout
from kb_index.articles import CATEGORIES, LANGS, Article
from kb_index.candidate import build_candidate
from kb_index.encoder import Encoder
from kb_index.errors import IndexMismatch, KbError, KbNotReady, UnknownCategory, UnknownLanguage
from kb_index.index import SearchResult, VersionIndex, trim
from kb_index.policy import NONE
from kb_index.text import clean_query
from kb_index.tokenize import Tokenizer

CHECK_INTERVAL_S = 1.0
log = logging.getLogger(__name__)


class KnowledgeBase:
    def __init__(
        self,
        index_root: Path,
        model: str | None = None,
        *,
        encoder: Encoder | None = None,
        tokenizer: Tokenizer | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._root = Path(index_root)
        self._model = model
        self._encoder = encoder
        self._tokenizer = tokenizer or Tokenizer()
        self._clock = clock
        self._index: VersionIndex | None = None
        self._stamp: tuple[int, int] | None = None
        self._checked_at = -float("inf")
        self._reload_lock = threading.Lock()

    def warm_up(self) -> None:
        self._tokenizer.warm_up()
        self.reload()
        assert self._encoder is not None  # reload() creates it
        self._encoder.warm_up()

    @property
    def encoder(self) -> Encoder:
        """The loaded sentence encoder, for callers that embed other texts with the same model."""
        if self._encoder is None:
            self._current()
        assert self._encoder is not None
        return self._encoder

    @property
    def tokenizer(self) -> Tokenizer:
        return self._tokenizer

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised vectors of `texts` with the index's model (cosine = inner product)."""
        return self.encoder.encode(texts)

    @property
    def version(self) -> str | None:
        return self._index.version if self._index else None

    def health(self) -> dict[str, Any]:
        index = self._index
        if index is None:
            return {"ready": False, "version": None}
        return {
            "ready": True,
            "version": index.version,
            "model": index.manifest["model"],
            "runtime": self._encoder.runtime if self._encoder is not None else None,
            "articles": dict(index.manifest["counts"]),
        }

    def reload(self) -> bool:
        """Load the version named by `current` if it differs from the loaded one.
        Returns True when a new version was swapped in."""
        with self._reload_lock:
            self._checked_at = self._clock()
            stamp = layout.pointer_stamp(self._root)
            name = layout.current_version(self._root)
            if name is None:
                if self._index is None:
                    raise KbNotReady(f"no index under {self._root}; run `shopassist kb build`")
                return False
            self._stamp = stamp
            if self._index is not None and self._index.version == name:
                return False
            index = VersionIndex.load(self._root / layout.VERSIONS / name)
            self._check_encoder(index)
            self._index = index
            return True

    def get(self, article_id: str) -> Article | None:
        return self._current().get(article_id)

    def search(self, text: str, lang: str, category: str | None = None, *,
               vector: np.ndarray | None = None) -> SearchResult:
        """`vector`: the cleaned query's embedding when the caller encoded a batch (`query_vectors`)."""
        index = self._current()
        if lang not in LANGS:
            raise UnknownLanguage(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
        if category is not None and category not in CATEGORIES:
            raise UnknownCategory(f"unknown category {category!r}; expected one of {', '.join(CATEGORIES)}")
        query = clean_query(text) if isinstance(text, str) else ""
        if not query:
            return SearchResult(NONE, [], [], index.version, note="empty query")
        if vector is None:
            assert self._encoder is not None  # set by reload(), which gave us `index`
            vector = self._encoder.encode([query])[0]
        tokens = self._tokenizer.tokens(query, lang)
        decision, hits = index.langs[lang].search(vector, tokens, category)
        return SearchResult(decision, trim(decision, hits), hits, index.version)

    def candidate(self, article: Article, index_root: Path) -> KnowledgeBase:
        """A knowledge base over the live version with `article` added or replaced, published
        under `index_root` (a temporary folder): what a preview searches."""
        build_candidate(self._current(), article, self.encoder, self._tokenizer, Path(index_root))
        candidate = KnowledgeBase(index_root, encoder=self.encoder, tokenizer=self._tokenizer, clock=self._clock)
        candidate.reload()
        return candidate

    def query_vectors(self, texts: list[str]) -> np.ndarray:
        """Embeddings of many queries in one batch, cleaned as `search` cleans them."""
        return self.encode([clean_query(t) if isinstance(t, str) else "" for t in texts])

    def _current(self) -> VersionIndex:
        if self._index is None or self._clock() - self._checked_at >= CHECK_INTERVAL_S:
            if self._index is None:
                self.reload()
            elif layout.pointer_stamp(self._root) != self._stamp:
                try:
                    self.reload()
                except (OSError, ValueError, KeyError, KbError) as exc:  # keep serving the version we have
                    log.warning("kb: could not load the new index version, keeping %s: %s", self.version, exc)
            else:
                self._checked_at = self._clock()
        assert self._index is not None
        return self._index

    def _check_encoder(self, index: VersionIndex) -> None:
        built_with = index.manifest["model"]
        if self._encoder is None:
            self._encoder = Encoder(self._model or built_with, onnx_cache=layout.encoder_cache(self._root))
        if self._encoder.name != built_with:
            raise IndexMismatch(
                f"index {index.version} was built with {built_with!r}, not {self._encoder.name!r}; rebuild it"
            )
