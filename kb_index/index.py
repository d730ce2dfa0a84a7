"""One loaded index version: per language a dense and a lexical index plus the policy.

A `VersionIndex` is immutable once built or loaded, so the KnowledgeBase can swap
versions by replacing one reference while searches in flight keep the old one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb_index.articles import LANGS, Article
from kb_index.dense import HNSW_THRESHOLD, DenseIndex
from kb_index.encoder import Encoder
from kb_index.fusion import fuse, ranked
from kb_index.lexical import LexicalIndex
from kb_index.policy import ANSWER, CLARIFY, Policy
from kb_index.tokenize import Tokenizer

DEPTH = 50  # articles considered per retriever
CATEGORY_DEPTH = 500  # deeper when a category filter will discard most candidates
RANKED = 5


_MARKDOWN = re.compile(r"[*#_`>|]+")
# MiniLM's tokenizer keeps "₩" glued to the amount ("₩", "##10"), which blurs the words around it:
# "maximum discount ₩10,000" scored 0.54 against "newsletter sign up discount", "10,000 won" 0.66.
_WON = re.compile(r"₩\s?(\d[\d,]*)")


def dense_texts(article: Article) -> list[str]:
    """The answer is a vector too: shoppers often ask about a fact only the answer names
    ("cash on delivery", "Canada"); it raised dense top-1 on the dev set (docs/kb.md)."""
    return [article.title, *article.questions, _WON.sub(r"\1 won", _MARKDOWN.sub(" ", article.answer))]


def lexical_text(article: Article) -> str:
    return " ".join([article.title, *article.questions, *article.tags, article.answer])


@dataclass(frozen=True, slots=True)
class Hit:
    id: str
    category: str
    title: str
    score: float
    lang: str
    answer: str

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "category": self.category, "title": self.title, "score": round(self.score, 4)}


@dataclass(frozen=True, slots=True)
class SearchResult:
    """`results` holds what the decision needs: one article to answer with, up to three
    choices to clarify, nothing for none. `ranked` is the top five regardless (for eval)."""

    decision: str
    results: list[Hit]
    ranked: list[Hit]
    version: str | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"decision": self.decision, "results": [h.summary() for h in self.results]}
        if self.note:
            out["note"] = self.note
        return out


class LangIndex:
    def __init__(self, articles: list[Article], dense: DenseIndex, lexical: LexicalIndex, policy: Policy) -> None:
        self.articles = articles
        self.dense = dense
        self.lexical = lexical
        self.policy = policy

    @classmethod
    def build(
        cls, articles: list[Article], encoder: Encoder, tokenizer: Tokenizer, hnsw_threshold: int = HNSW_THRESHOLD
    ) -> LangIndex:
        texts, rows = [], []
        for position, article in enumerate(articles):
            for text in dense_texts(article):
                texts.append(text)
                rows.append(position)
        vectors = encoder.encode(texts) if texts else np.zeros((0, encoder.dimension), np.float32)
        return cls.from_vectors(articles, vectors, np.asarray(rows), tokenizer, hnsw_threshold)

    @classmethod
    def from_vectors(
        cls, articles: list[Article], vectors: np.ndarray, rows: np.ndarray, tokenizer: Tokenizer,
        hnsw_threshold: int = HNSW_THRESHOLD,
    ) -> LangIndex:
        """Build from precomputed variant vectors (the benchmark uses this at scale)."""
        lang = articles[0].lang if articles else "en"
        dense = DenseIndex.build(vectors, rows, hnsw_threshold)
        lexical = LexicalIndex.build([tokenizer.tokens(lexical_text(a), lang) for a in articles])
        sample = [q for a in articles[:2000] for q in a.questions]
        lexical.calibrate_scale([tokenizer.tokens(q, lang) for q in sample])
        return cls(articles, dense, lexical, Policy())

    def evidence(self, vector: np.ndarray, tokens: list[str], depth: int = DEPTH) -> tuple[dict, dict]:
        return self.dense.search(vector, depth * 4), self.lexical.search(tokens, depth)

    def search(self, vector: np.ndarray, tokens: list[str], category: str | None = None) -> tuple[str, list[Hit]]:
        depth = CATEGORY_DEPTH if category else DEPTH
        dense, lexical = self.evidence(vector, tokens, depth)
        p = self.policy
        scores = fuse(p.fusion, dense, lexical, self.lexical.scale, p.weight)
        order = [(a, s) for a, s in ranked(scores) if category is None or self.articles[a].category == category]
        top = order[0][1] if order else None
        runner_up = order[1][1] if len(order) > 1 else None
        hits = [self._hit(a, s) for a, s in order[:RANKED]]
        return p.decide(top, runner_up), hits

    def _hit(self, position: int, score: float) -> Hit:
        a = self.articles[position]
        return Hit(id=a.id, category=a.category, title=a.title, score=score, lang=a.lang, answer=a.answer)


class VersionIndex:
    def __init__(self, version: str, manifest: dict[str, Any], langs: dict[str, LangIndex]) -> None:
        self.version = version
        self.manifest = manifest
        self.langs = langs
        self._by_id = {a.id: a for li in langs.values() for a in li.articles}

    def get(self, article_id: str) -> Article | None:
        return self._by_id.get(article_id)

    def save(self, folder: Path) -> None:
        articles = [a.to_dict() for li in self.langs.values() for a in li.articles]
        (folder / "articles.json").write_text(json.dumps(articles, ensure_ascii=False))
        for lang, li in self.langs.items():
            li.dense.save(folder, f"dense_{lang}")
            li.lexical.save(folder, f"bm25_{lang}")
        # The manifest is written last: its presence marks a complete version.
        (folder / "manifest.json").write_text(json.dumps(self.manifest, indent=2, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path) -> VersionIndex:
        manifest = json.loads((folder / "manifest.json").read_text())
        articles = [Article.from_dict(d) for d in json.loads((folder / "articles.json").read_text())]
        langs = {}
        for lang in LANGS:
            policy = Policy.from_dict(manifest["policies"][lang])
            langs[lang] = LangIndex(
                [a for a in articles if a.lang == lang],
                DenseIndex.load(folder, f"dense_{lang}"),
                LexicalIndex.load(folder, f"bm25_{lang}"),
                policy,
            )
        return cls(folder.name, manifest, langs)


def trim(decision: str, hits: list[Hit]) -> list[Hit]:
    if decision == ANSWER:
        return hits[:1]
    if decision == CLARIFY:
        return hits[:3]
    return []
