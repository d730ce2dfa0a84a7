"""Grouping misses by meaning: greedy clustering on cosine similarity.

A miss's vector is half the sentence embedding of the knowledge base's model and half a
hashed bag of its content tokens (the KB's tokenizer: Kiwi morphemes for Korean).  The
packaged embedding model is English-only; on Korean paraphrases its cosine is high for
everything, and the token half is what separates "기프트카드 있나요" from "부산에 매장이
있나요" (the same reason the KB itself fuses dense and BM25 scores).

Misses are taken oldest first; each joins the cluster whose centroid is most similar if
that similarity reaches the threshold, else it starts a new cluster.  New misses only
append to the stream, so earlier clusters keep their first miss, and a cluster's id (a
hash of that first miss) stays the same from one request to the next: an editor can
resolve the cluster they are looking at.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from contracts.signals import MISS_SOURCES
from gateway.editor.misses import Miss

MAX_CACHED = 20_000
TOKEN_DIMS = 1024
MAX_EXAMPLES = 5
DENSE_SHARE = 0.5  # cosine of the joined vectors = share * dense cosine + (1 - share) * token cosine


def token_bags(token_lists: Sequence[list[str]]) -> np.ndarray:
    """L2-normalised hashed bags of tokens (crc32: stable across processes, unlike hash())."""
    bags = np.zeros((len(token_lists), TOKEN_DIMS), dtype=np.float32)
    for row, tokens in enumerate(token_lists):
        for token in tokens:
            bags[row, zlib.crc32(token.encode()) % TOKEN_DIMS] += 1.0
    return bags / np.maximum(np.linalg.norm(bags, axis=1, keepdims=True), 1e-9)


def features(dense: np.ndarray, token_lists: Sequence[list[str]]) -> np.ndarray:
    return np.hstack([np.sqrt(DENSE_SHARE) * dense, np.sqrt(1 - DENSE_SHARE) * token_bags(token_lists)])


def cluster_id(first: Miss) -> str:
    return "c" + hashlib.sha256(f"{first.lang}:{first.id}".encode()).hexdigest()[:16]


class GreedyGroups:
    """The clustering state: rows are added in order, so a request whose misses only grew at
    the end continues from the previous one instead of starting over."""

    def __init__(self, threshold: float, dimension: int) -> None:
        self.threshold = threshold
        self.groups: list[list[int]] = []
        self._sums = np.zeros((16, dimension), dtype=np.float32)  # per group, grown by doubling
        self._size = 0

    def extend(self, vectors: np.ndarray) -> GreedyGroups:
        for vector in vectors:
            index = self._size
            self._size += 1
            count = len(self.groups)
            if count:
                sums = self._sums[:count]
                similarity = (sums @ vector) / np.maximum(np.linalg.norm(sums, axis=1), 1e-9)
                best = int(np.argmax(similarity))
                if similarity[best] >= self.threshold:
                    self.groups[best].append(index)
                    sums[best] += vector
                    continue
            if count == len(self._sums):
                self._sums = np.vstack([self._sums, np.zeros_like(self._sums)])
            self._sums[count] = vector
            self.groups.append([index])
        return self


def group(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """Indices of `vectors` (L2-normalised rows) grouped greedily, in input order."""
    return GreedyGroups(threshold, vectors.shape[1]).extend(vectors).groups


@dataclass(frozen=True)
class MissCluster:
    id: str
    lang: str
    misses: tuple[Miss, ...]  # oldest first

    @property
    def examples(self) -> list[str]:
        """Up to MAX_EXAMPLES distinct texts, newest first."""
        return list(dict.fromkeys(m.text for m in reversed(self.misses)))[:MAX_EXAMPLES]

    def summary(self) -> dict[str, object]:
        """What the inbox shows.  ``count`` is every miss; each example carries how many of them
        had its text and ``more`` counts the distinct texts not shown, so the two always add up."""
        times = Counter(m.text for m in self.misses)
        sources = Counter(m.source for m in self.misses)
        examples = self.examples
        return {"id": self.id, "lang": self.lang, "count": len(self.misses), "examples": examples,
                "example_counts": [times[text] for text in examples], "more": len(times) - len(examples),
                "kinds": {source: sources[source] for source in MISS_SOURCES if sources[source]},
                "first_seen": self.misses[0].ts, "last_seen": self.misses[-1].ts}


class MissClusterer:
    """Keeps each miss's embedding (stream ids never change), so a request encodes only new misses."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray], tokens: Callable[[str, str], list[str]],
                 threshold: float) -> None:
        self._encode = encode
        self._tokens = tokens
        self._threshold = threshold
        self._vectors: dict[str, np.ndarray] = {}
        self._state: dict[str, tuple[list[str], GreedyGroups]] = {}  # per language
        self._lock = threading.Lock()

    def clusters(self, misses: Sequence[Miss]) -> list[MissCluster]:
        """One language's misses, oldest first.  Blocking (encodes): call from a worker thread."""
        if not misses:
            return []
        ids = [m.id for m in misses]
        with self._lock:
            cached = self._state.get(misses[0].lang)
            # start over when misses went away (a resolution, the stream's cap), else continue
            seen, state = cached if cached and ids[:len(cached[0])] == cached[0] else ([], None)
            if len(misses) > len(seen):
                vectors = self._vectors_of(misses[len(seen):])
                state = state or GreedyGroups(self._threshold, vectors.shape[1])
                state.extend(vectors)
            assert state is not None
            self._state[misses[0].lang] = (ids, state)
            groups = [list(g) for g in state.groups]
        return [MissCluster(cluster_id(misses[g[0]]), misses[g[0]].lang, tuple(misses[i] for i in g))
                for g in groups]

    def _vectors_of(self, misses: Sequence[Miss]) -> np.ndarray:
        """Embeddings are kept per miss id (ids never change): a regrouping encodes nothing."""
        new = [m for m in misses if m.id not in self._vectors]
        if new:
            joined = features(self._encode([m.text for m in new]), [self._tokens(m.text, m.lang) for m in new])
            for miss, vector in zip(new, joined, strict=True):
                self._vectors[miss.id] = vector
        vectors = np.stack([self._vectors[m.id] for m in misses])
        if len(self._vectors) > MAX_CACHED:
            self._vectors = {m.id: self._vectors[m.id] for m in misses}
        return vectors
