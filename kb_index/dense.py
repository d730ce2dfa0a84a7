"""Dense retrieval over question variants with FAISS.

Each article contributes several vectors (title and every question variant); an
article's dense score is its best variant. Small indexes use exact inner product;
above `HNSW_THRESHOLD` vectors an HNSW graph keeps p95 latency flat (recall measured
in bench/kb_bench.py on our own embeddings).
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

HNSW_THRESHOLD = 20_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128


class DenseIndex:
    def __init__(self, index: faiss.Index, rows: np.ndarray) -> None:
        self._index = index
        self._rows = rows  # vector row -> article position in the language's article list

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self._index, faiss.IndexHNSWFlat) else "flat"

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    def vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(every stored vector, its article position): a candidate index reuses them."""
        return self._index.reconstruct_n(0, self.size), self._rows

    @classmethod
    def build(cls, vectors: np.ndarray, rows: np.ndarray, hnsw_threshold: int = HNSW_THRESHOLD) -> DenseIndex:
        dim = vectors.shape[1]
        index: faiss.Index
        if len(vectors) > hnsw_threshold:
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        else:
            index = faiss.IndexFlatIP(dim)
        index.add(vectors)
        return cls(index, rows.astype(np.int64))

    def save(self, folder: Path, name: str) -> None:
        faiss.write_index(self._index, str(folder / f"{name}.faiss"))
        np.save(folder / f"{name}.rows.npy", self._rows)

    @classmethod
    def load(cls, folder: Path, name: str) -> DenseIndex:
        index = faiss.read_index(str(folder / f"{name}.faiss"))
        if isinstance(index, faiss.IndexHNSWFlat):
            index.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(index, np.load(folder / f"{name}.rows.npy"))

    def search(self, query: np.ndarray, depth: int) -> dict[int, float]:
        """Best cosine per article among the top `depth` vectors."""
        if self.size == 0:
            return {}
        if isinstance(self._index, faiss.IndexHNSWFlat):
            self._index.hnsw.efSearch = max(HNSW_EF_SEARCH, depth)
        scores, ids = self._index.search(query.reshape(1, -1), min(depth, self.size))
        best: dict[int, float] = {}
        for score, row in zip(scores[0].tolist(), ids[0].tolist(), strict=True):
            if row < 0:
                continue
            article = int(self._rows[row])
            if article not in best:  # results come sorted, so the first is the best variant
                best[article] = score
        return best
