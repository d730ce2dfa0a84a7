"""`build_index`: validate sources, encode, calibrate on the dev set, publish atomically."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from pathlib import Path

from contracts.shop_facts import SHOP_FACTS_FILE, ShopFacts, ShopFactsError, load_shop_facts
from kb_index import layout
from kb_index.articles import LANGS, Article, by_language, load_articles
from kb_index.calibrate import OOS_TARGET, PRECISION_TARGET, Evidence, calibrate
from kb_index.dense import HNSW_THRESHOLD
from kb_index.encoder import Encoder
from kb_index.errors import SourceError
from kb_index.evaluate import Query, load_queries
from kb_index.index import LangIndex, VersionIndex
from kb_index.text import clean_query
from kb_index.tokenize import Tokenizer

FORMAT = 1
DEV_SET = Path("eval") / "dev.jsonl"


def build_index(
    source_dir: Path,
    index_root: Path,
    model: str | None = None,
    encoder: Encoder | None = None,
    *,
    dev_set: Path | None = None,
    tokenizer: Tokenizer | None = None,
    hnsw_threshold: int = HNSW_THRESHOLD,
    facts: ShopFacts | None = None,
) -> Path:
    """Build a new version under `index_root/versions/` and make it current.

    `dev_set` defaults to `<source_dir>/eval/dev.jsonl` when present; without one the
    default thresholds are kept. Nothing under `index_root` changes if validation or
    encoding fails.  `facts` (default: the repository's shop_facts.yml) fill the answers' {{fact}}
    placeholders; an article whose hard-coded figure contradicts them is refused."""
    source_dir, index_root = Path(source_dir), Path(index_root)
    articles = load_articles(source_dir, facts or read_facts(SHOP_FACTS_FILE))
    dev_path = dev_set or (source_dir / DEV_SET)
    queries = load_queries(dev_path) if dev_path.is_file() else []
    _check_expected_ids(dev_path, queries, articles)
    if encoder is None:
        encoder = Encoder(model, onnx_cache=layout.encoder_cache(index_root))
    elif model is not None and model != encoder.name:
        raise ValueError(f"model {model!r} given but the encoder is {encoder.name!r}")
    tokenizer = tokenizer or Tokenizer()
    tokenizer.warm_up()

    grouped = by_language(articles)
    langs = {lang: LangIndex.build(grouped[lang], encoder, tokenizer, hnsw_threshold) for lang in LANGS}
    calibration = {}
    for lang, li in langs.items():
        lang_queries = [q for q in queries if q.lang == lang]
        if lang_queries:
            li.policy, calibration[lang] = calibrate(li, _evidence(li, lang_queries, encoder, tokenizer))

    content_hash = _content_hash(articles, encoder.name)
    version = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}-{content_hash[:8]}-{secrets.token_hex(2)}"
    manifest = {
        "format": FORMAT,
        "version": version,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "model": encoder.name,
        "dimension": encoder.dimension,
        "content_hash": content_hash,
        "counts": {lang: len(grouped[lang]) for lang in LANGS},
        "vectors": {lang: li.dense.size for lang, li in langs.items()},
        "dense_index": {lang: li.dense.kind for lang, li in langs.items()},
        "bm25_scale": {lang: li.lexical.scale for lang, li in langs.items()},
        "policies": {lang: li.policy.to_dict() for lang, li in langs.items()},
        "calibration": {
            "dev_set": str(dev_path) if queries else None,
            "targets": {"answer_precision": PRECISION_TARGET, "oos_recall": OOS_TARGET},
            "by_language": calibration,
        },
    }
    return layout.write_version(index_root, version, VersionIndex(version, manifest, langs).save)


def read_facts(path: Path) -> ShopFacts:
    """The shop facts, their problems reported as a SourceError like the FAQ's own."""
    try:
        return load_shop_facts(path)
    except ShopFactsError as exc:
        problems = "; ".join(f"{field}: {problem}" for field, problem in exc.problems)
        raise SourceError(exc.source, None, None, problems) from None


def _evidence(li: LangIndex, queries: list[Query], encoder: Encoder, tokenizer: Tokenizer) -> list[Evidence]:
    texts = [clean_query(q.text) for q in queries]
    vectors = encoder.encode(texts)
    position = {a.id: i for i, a in enumerate(li.articles)}
    return [
        Evidence(*li.evidence(v, tokenizer.tokens(t, q.lang)), position.get(q.expected_id) if q.expected_id else None)
        for q, t, v in zip(queries, texts, vectors, strict=True)
    ]


def _check_expected_ids(path: Path, queries: list[Query], articles: list[Article]) -> None:
    lang_of = {a.id: a.lang for a in articles}
    for q in queries:
        if q.expected_id is not None and lang_of.get(q.expected_id) != q.lang:
            raise SourceError(path, q.expected_id, "expected_id", f"no {q.lang} article with this id ({q.text!r})")


def _content_hash(articles: list[Article], model: str) -> str:
    payload = json.dumps([model, FORMAT, [a.to_dict() for a in articles]], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()
