"""Knowledge-base benchmark: query latency, build time and memory at 1k / 10k / 100k articles.

    .venv/bin/python bench/kb_bench.py [--sizes 1000 10000 100000] [--queries 300]

Synthetic articles are clones of the real FAQ with a product name mixed into title,
questions and answer (so BM25 sees a realistic, growing vocabulary). Encoding 500k
texts would take hours on the shared 2-core box, so a clone's vectors are its source
article's real vectors plus Gaussian noise (cosine to the source ~0.85); encoding
throughput is measured separately on real texts and reported as a projection.
Queries are the real dev-set questions, encoded for real on every search: latency is
`KnowledgeBase.search` end to end (clean, encode, tokenize, FAISS, BM25, fusion) with
one encoder thread and one FAISS thread. Each size runs in a fresh process so peak RSS
is that size's own. `--runtime torch` measures the PyTorch encoder instead of the ONNX
Runtime one the product uses (the same vectors; see kb_index/onnx_encoder.py).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kb_index import layout  # noqa: E402
from kb_index.articles import LANGS, Article, by_language, load_articles  # noqa: E402
from kb_index.dense import HNSW_THRESHOLD  # noqa: E402
from kb_index.encoder import Encoder  # noqa: E402
from kb_index.evaluate import load_queries  # noqa: E402
from kb_index.index import LangIndex, VersionIndex, dense_texts  # noqa: E402
from kb_index.knowledge_base import KnowledgeBase  # noqa: E402
from kb_index.policy import Policy  # noqa: E402
from kb_index.tokenize import Tokenizer  # noqa: E402

NOISE = 0.022  # per-dimension sigma: |noise| ~ 0.43, cosine to the source vector ~ 0.92
EN_WORDS = ("nova", "arc", "lumen", "terra", "kite", "orbit", "pulse", "ember", "fjord", "aster")
EN_NOUNS = ("kettle", "jacket", "lamp", "speaker", "sneaker", "backpack", "blender", "desk", "tent", "watch")
KO_WORDS = ("노바", "아크", "루멘", "테라", "카이트", "오르빗", "펄스", "엠버", "피오르", "아스터")
KO_NOUNS = ("전기포트", "자켓", "조명", "스피커", "운동화", "백팩", "믹서기", "책상", "텐트", "시계")


def product(lang: str, i: int) -> str:
    words, nouns = (EN_WORDS, EN_NOUNS) if lang == "en" else (KO_WORDS, KO_NOUNS)
    return f"{words[i % 10]} {nouns[(i // 10) % 10]} {i // 100}"


def synthetic(base: list[Article], n: int) -> list[Article]:
    out = []
    for i in range(n):
        a = base[i % len(base)]
        name = product(a.lang, i)
        out.append(Article(
            id=f"{a.id}-{i}", lang=a.lang, category=a.category, title=f"{a.title} ({name})",
            questions=tuple(f"{q} {name}" for q in a.questions), answer=f"{name}: {a.answer}",
            tags=a.tags, updated=a.updated,
        ))
    return out


ONNX_CACHE = REPO / "var" / "kb" / "encoders"


def make_encoder(runtime: str) -> Encoder:
    encoder = Encoder(onnx_cache=ONNX_CACHE if runtime == "onnxruntime" else None)
    encoder.warm_up()
    assert encoder.runtime == runtime, f"asked for {runtime}, got {encoder.runtime}"
    return encoder


def run_size(n: int, n_queries: int, runtime: str) -> dict:
    import faiss
    import torch

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    encoder, tokenizer = make_encoder(runtime), Tokenizer()
    tokenizer.warm_up()
    base = by_language(load_articles(REPO / "faq"))
    base_vectors = {lang: [encoder.encode(dense_texts(a)) for a in base[lang]] for lang in LANGS}

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    langs, vectors_total = {}, 0
    for lang in LANGS:
        share = n // 2
        articles = synthetic(base[lang], share)
        blocks, rows = [], []
        for pos in range(share):
            src = base_vectors[lang][pos % len(base[lang])]
            noisy = src + rng.normal(0, NOISE, src.shape).astype(np.float32)
            blocks.append(noisy / np.linalg.norm(noisy, axis=1, keepdims=True))
            rows.extend([pos] * len(src))
        vectors = np.ascontiguousarray(np.vstack(blocks), dtype=np.float32)
        vectors_total += len(vectors)
        li = LangIndex.from_vectors(articles, vectors, np.asarray(rows), tokenizer)
        li.policy = Policy(fusion="weighted", weight=0.8 if lang == "en" else 0.1)
        langs[lang] = li
    root = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    manifest = {"model": encoder.name, "counts": {k: len(v.articles) for k, v in langs.items()},
                "policies": {k: v.policy.to_dict() for k, v in langs.items()}}
    layout.write_version(root, "bench", VersionIndex("bench", manifest, langs).save)
    build_s = time.perf_counter() - t0
    build_rss_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024

    faiss.omp_set_num_threads(1)  # the build may use both cores; queries get one thread
    recall = hnsw_recall(langs["en"], vectors_for_recall(encoder, n_queries))

    kb = KnowledgeBase(root, encoder=encoder, tokenizer=tokenizer)
    kb.warm_up()
    queries = [q for q in load_queries(REPO / "faq" / "eval" / "dev.jsonl")]
    random.Random(0).shuffle(queries)
    queries = queries[:n_queries]
    for q in queries[:20]:
        kb.search(q.text, q.lang)
    total, encode, retrieval = [], [], []
    for q in queries:
        s = time.perf_counter()
        vector = encoder.encode([q.text])[0]
        encode.append(time.perf_counter() - s)
        s = time.perf_counter()
        langs[q.lang].search(vector, tokenizer.tokens(q.text, q.lang))  # tokenize + FAISS + BM25 + fusion
        retrieval.append(time.perf_counter() - s)
        s = time.perf_counter()
        kb.search(q.text, q.lang)
        total.append(time.perf_counter() - s)
    ms = lambda xs, p: round(float(np.percentile(np.array(xs) * 1000, p)), 2)  # noqa: E731
    return {
        "articles": n, "vectors": vectors_total, "dense_index": langs["en"].dense.kind,
        "build_s": round(build_s, 1), "build_peak_rss_mb": round(build_rss_mb),
        "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "p50_ms": ms(total, 50), "p95_ms": ms(total, 95),
        "encode_p50_ms": ms(encode, 50), "encode_p95_ms": ms(encode, 95),
        "retrieval_p50_ms": ms(retrieval, 50), "retrieval_p95_ms": ms(retrieval, 95),
        "hnsw_recall_at_10": recall, "queries": len(queries),
    }


def vectors_for_recall(encoder: Encoder, n: int) -> np.ndarray:
    queries = [q.text for q in load_queries(REPO / "faq" / "eval" / "dev.jsonl") if q.lang == "en"][:n]
    return encoder.encode(queries)


def hnsw_recall(li: LangIndex, queries: np.ndarray, k: int = 10) -> float | None:
    """Recall@k of the HNSW graph against exact search over the same (our own) vectors."""
    import faiss

    index = li.dense._index  # noqa: SLF001 - the benchmark inspects the built structure
    if not isinstance(index, faiss.IndexHNSWFlat):
        return None
    exact = faiss.IndexFlatIP(index.d)
    exact.add(index.storage.reconstruct_n(0, index.ntotal))
    _, truth = exact.search(queries, k)
    index.hnsw.efSearch = 200
    _, got = index.search(queries, k)
    return round(float(np.mean([len(set(t) & set(g)) / k for t, g in zip(truth, got, strict=True)])), 4)


def encode_throughput(runtime: str, n: int = 512) -> float:
    import torch

    torch.set_num_threads(1)
    encoder = make_encoder(runtime)
    texts = [t for a in load_articles(REPO / "faq") for t in dense_texts(a)][:n]
    start = time.perf_counter()
    encoder.encode(texts)
    return round(len(texts) / (time.perf_counter() - start), 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--runtime", choices=["onnxruntime", "torch"], default="onnxruntime")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--throughput", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_size(args.one, args.queries, args.runtime)))
        return 0
    if args.throughput:
        print(json.dumps({"encode_texts_per_s": encode_throughput(args.runtime)}))
        return 0
    me = [sys.executable, __file__, "--queries", str(args.queries), "--runtime", args.runtime]
    rows = [json.loads(subprocess.check_output([*me, "--one", str(n)], text=True).splitlines()[-1]) for n in args.sizes]
    rate = json.loads(subprocess.check_output([*me, "--throughput"], text=True).splitlines()[-1])
    print(json.dumps({"runtime": args.runtime, "hnsw_threshold_vectors": HNSW_THRESHOLD, **rate, "sizes": rows},
                     indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
