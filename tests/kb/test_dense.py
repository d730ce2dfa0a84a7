"""The dense index: exact below the size threshold, HNSW above, one score per article."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb_index.dense import DenseIndex


@pytest.fixture(scope="module")
def vectors() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(7)
    v = rng.normal(size=(600, 32)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    rows = np.repeat(np.arange(200), 3)  # three variants per article
    return v, rows


@pytest.mark.parametrize(("threshold", "kind"), [(10_000, "flat"), (100, "hnsw")])
def test_kind_follows_threshold_and_survives_save_load(vectors, tmp_path: Path, threshold: int, kind: str) -> None:
    v, rows = vectors
    index = DenseIndex.build(v, rows, hnsw_threshold=threshold)
    assert index.kind == kind and index.size == 600
    index.save(tmp_path, "dense_en")
    loaded = DenseIndex.load(tmp_path, "dense_en")
    assert loaded.kind == kind
    best = loaded.search(v[301], depth=20)
    assert next(iter(best)) == 100  # vector 301 belongs to article 100 and matches itself
    assert best[100] == pytest.approx(1.0, abs=1e-5)
    assert len(best) == len(set(best)) and all(a in range(200) for a in best)


def test_article_score_is_its_best_variant(vectors) -> None:
    v, rows = vectors
    index = DenseIndex.build(v, rows)
    query = v[0]
    best = index.search(query, depth=600)
    expected = {a: max(float(v[i] @ query) for i in np.flatnonzero(rows == a)) for a in range(200)}
    assert best == pytest.approx(expected, abs=1e-5)


def test_empty_index_returns_nothing() -> None:
    index = DenseIndex.build(np.zeros((0, 8), np.float32), np.zeros(0))
    assert index.search(np.ones(8, np.float32), depth=5) == {}
