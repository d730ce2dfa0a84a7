"""A candidate index for previewing one article edit: the live version with that article
added or replaced.

Only the edited article is encoded; every other article keeps its vectors from the live
version (re-encoding a whole language took 14 s on an idle two-core machine and over
100 s on a busy one), the language's BM25 index is rebuilt from the articles (cheap),
and the live thresholds are kept, so the preview shows the effect of the edit alone.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import numpy as np

from kb_index import layout
from kb_index.articles import LANGS, Article
from kb_index.encoder import Encoder
from kb_index.index import LangIndex, VersionIndex, dense_texts
from kb_index.tokenize import Tokenizer


def _with_article(live: LangIndex, article: Article, encoder: Encoder, tokenizer: Tokenizer) -> LangIndex:
    kept = [position for position, a in enumerate(live.articles) if a.id != article.id]
    new_position = {old: new for new, old in enumerate(kept)}
    vectors, rows = live.dense.vectors()
    keep_rows = np.isin(rows, kept)
    old_rows = np.array([new_position[int(r)] for r in rows[keep_rows]], dtype=np.int64)
    added = encoder.encode(dense_texts(article))
    articles = [live.articles[p] for p in kept] + [article]
    index = LangIndex.from_vectors(
        articles, np.vstack([vectors[keep_rows], added]),
        np.concatenate([old_rows, np.full(len(added), len(kept), dtype=np.int64)]), tokenizer)
    index.policy = live.policy
    return index


def build_candidate(live: VersionIndex, article: Article, encoder: Encoder, tokenizer: Tokenizer,
                    index_root: Path) -> Path:
    """Publish under `index_root` a version equal to `live` except for `article`."""
    if article.lang not in LANGS:
        raise ValueError(f"unknown language {article.lang!r}")
    langs = {**live.langs, article.lang: _with_article(live.langs[article.lang], article, encoder, tokenizer)}
    version = f"candidate-{secrets.token_hex(4)}"
    manifest = {**live.manifest, "version": version, "candidate_of": live.version,
                "counts": {lang: len(li.articles) for lang, li in langs.items()},
                "vectors": {lang: li.dense.size for lang, li in langs.items()}}
    return layout.write_version(index_root, version, VersionIndex(version, manifest, langs).save)
