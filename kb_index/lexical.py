"""BM25 over whole articles (title, question variants, tags and answer) with bm25s.

Raw BM25 scores are unbounded, so each language index carries a `scale`: the median
top-1 score when the articles' own question variants are used as queries. Fusion
saturates scores as s / (s + scale), mapping them into [0, 1) comparably to cosine.
"""

from __future__ import annotations

import json
from pathlib import Path

import bm25s
import numpy as np


class LexicalIndex:
    def __init__(self, model: bm25s.BM25, scale: float) -> None:
        self._model = model
        self._vocab: dict[str, int] = model.vocab_dict
        self.scale = scale

    @classmethod
    def build(cls, documents: list[list[str]]) -> LexicalIndex:
        model = bm25s.BM25()
        model.index(documents, show_progress=False)
        return cls(model, scale=1.0)

    def save(self, folder: Path, name: str) -> None:
        self._model.save(str(folder / name), show_progress=False)
        (folder / name / "scale.json").write_text(json.dumps({"scale": self.scale}))

    @classmethod
    def load(cls, folder: Path, name: str) -> LexicalIndex:
        model = bm25s.BM25.load(str(folder / name), show_progress=False, verbosity=0)
        scale = json.loads((folder / name / "scale.json").read_text())["scale"]
        return cls(model, scale)

    def search(self, tokens: list[str], depth: int) -> dict[int, float]:
        """Raw BM25 score of the top `depth` articles that share a token with the query."""
        known = [t for t in tokens if t in self._vocab]
        if not known:
            return {}
        scores = self._model.get_scores(known)
        depth = min(depth, len(scores))
        top = np.argpartition(-scores, depth - 1)[:depth]
        return {int(i): float(scores[i]) for i in top if scores[i] > 0}

    def calibrate_scale(self, queries: list[list[str]]) -> None:
        """Set `scale` to the median best score of typical (in-domain) queries."""
        best = [max(self.search(q, 1).values(), default=0.0) for q in queries]
        positive = [b for b in best if b > 0]
        self.scale = float(np.median(positive)) if positive else 1.0
