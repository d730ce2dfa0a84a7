"""Combining dense and lexical evidence into one ranked list of articles.

Two methods, compared on the dev set (see docs/kb.md):
- reciprocal-rank fusion (RRF): sum of 1 / (k + rank); ignores score magnitudes;
- weighted: w * cosine + (1 - w) * saturated BM25, with w calibrated per language.
Weighted keeps absolute scores, which is what lets the KB say "I don't know".
"""

from __future__ import annotations

RRF_K = 60


def saturate(score: float, scale: float) -> float:
    return score / (score + scale) if score > 0 else 0.0


def weighted(dense: dict[int, float], lexical: dict[int, float], scale: float, weight: float) -> dict[int, float]:
    """Missing dense scores (article outside the dense top-k) take the lowest seen one."""
    floor = max(min(dense.values(), default=0.0), 0.0)
    return {
        a: weight * max(dense.get(a, floor), 0.0) + (1 - weight) * saturate(lexical.get(a, 0.0), scale)
        for a in dense.keys() | lexical.keys()
    }


def rrf(dense: dict[int, float], lexical: dict[int, float], k: int = RRF_K) -> dict[int, float]:
    fused: dict[int, float] = {}
    for scores in (dense, lexical):
        for rank, article in enumerate(sorted(scores, key=scores.__getitem__, reverse=True), start=1):
            fused[article] = fused.get(article, 0.0) + 1.0 / (k + rank)
    return fused


def fuse(
    method: str, dense: dict[int, float], lexical: dict[int, float], scale: float, weight: float
) -> dict[int, float]:
    if method == "rrf":
        return rrf(dense, lexical)
    if method == "weighted":
        return weighted(dense, lexical, scale, weight)
    raise ValueError(f"unknown fusion method {method!r}")


def ranked(scores: dict[int, float]) -> list[tuple[int, float]]:
    """Best first; ties broken by article position so results are deterministic."""
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))
