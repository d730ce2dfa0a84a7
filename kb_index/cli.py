"""The `kb` command: build, search and eval. Output shapes are a contract (checks use them)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracts.shop_facts import SHOP_FACTS_FILE
from kb_index.articles import CATEGORIES, LANGS
from kb_index.errors import KbError, KbNotReady, SourceError
from kb_index.policy import ANSWER
from kb_index.text import guess_lang

if TYPE_CHECKING:  # the index and the encoder load numpy, faiss and torch: only the commands that use them
    from kb_index.knowledge_base import KnowledgeBase


def register(subparsers: Any, *, source_dir: Path, index_dir: Path, model: str | None) -> None:
    kb = subparsers.add_parser("kb", help="FAQ knowledge base: build, search, eval")
    leaves = kb.add_subparsers(dest="kb_command", required=True)

    build = leaves.add_parser("build", help="validate the FAQ sources and publish a new index version")
    build.add_argument("--source", type=Path, default=source_dir, help=f"FAQ folder (default {source_dir})")
    build.add_argument("--out", type=Path, default=index_dir, help=f"index root (default {index_dir})")
    build.add_argument("--facts", type=Path, default=SHOP_FACTS_FILE,
                       help=f"the shop's figures, for the answers' {{{{fact}}}} (default {SHOP_FACTS_FILE})")
    build.set_defaults(func=lambda args: _build(args, model))

    search = leaves.add_parser("search", help="search the live index")
    search.add_argument("text", nargs="?", help="the shopper's question")
    search.add_argument("--lang", help="en or ko (default: guessed from the text)")
    search.add_argument("--category", choices=CATEGORIES)
    search.add_argument("--batch", type=Path, help='JSON lines {"text", "lang"}; one result line each')
    search.add_argument("--index", type=Path, default=index_dir)
    search.add_argument("--json", action="store_true", help="machine-readable output")
    search.add_argument("--threads", type=int, default=1, help="torch threads (default 1, as in bench/)")
    search.set_defaults(func=lambda args: _search(args, model))

    evaluate = leaves.add_parser("eval", help="accuracy, abstention and latency on labelled queries")
    evaluate.add_argument("--queries", type=Path, required=True, help='JSON lines {"text", "lang", "expected_id"}')
    evaluate.add_argument("--index", type=Path, default=index_dir)
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument("--threads", type=int, default=1, help="torch threads (default 1, as in bench/)")
    evaluate.set_defaults(func=lambda args: _eval(args, model))


def _build(args: argparse.Namespace, model: str | None) -> int:
    from kb_index.build import build_index, read_facts

    try:
        folder = build_index(args.source, args.out, model=model, facts=read_facts(args.facts))
    except SourceError as exc:
        print(f"kb build failed, previous index left live: {exc}", file=sys.stderr)
        return 1
    manifest = json.loads((folder / "manifest.json").read_text())
    print(f"built {manifest['version']} ({manifest['counts']}) at {folder}")
    return 0


def _open(index: Path, model: str | None, threads: int) -> KnowledgeBase:
    import torch  # the entry point owns process-wide settings; the library never sets them

    from kb_index.knowledge_base import KnowledgeBase

    torch.set_num_threads(max(threads, 1))
    kb = KnowledgeBase(index, model)
    kb.warm_up()
    return kb


def _search(args: argparse.Namespace, model: str | None) -> int:
    if (args.text is None) == (args.batch is None):
        print("kb search: give either a question or --batch FILE", file=sys.stderr)
        return 2
    try:
        kb = _open(args.index, model, args.threads)
        if args.batch is not None:
            return _search_batch(kb, args.batch)
        result = kb.search(args.text, args.lang or guess_lang(args.text), args.category)
    except KbNotReady as exc:
        print(f"kb search: {exc}", file=sys.stderr)
        return 3
    except (KbError, OSError) as exc:
        print(f"kb search: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(result.decision)
        for hit in result.results:
            print(f"  {hit.score:.3f}  {hit.id}  [{hit.category}] {hit.title}")
    return 0


def _search_batch(kb: KnowledgeBase, path: Path) -> int:
    """One output line per input line, in order; a bad line yields none plus an error."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text = row["text"]
            if not isinstance(text, str):
                raise ValueError("text must be a string")
            lang = row.get("lang") or guess_lang(text)
            out = kb.search(text, lang, row.get("category")).to_json()
        except (ValueError, KeyError, TypeError, AttributeError, KbError) as exc:
            out = {"decision": "none", "results": [], "error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


def _eval(args: argparse.Namespace, model: str | None) -> int:
    from kb_index.evaluate import Outcome, load_queries, metrics

    try:
        queries = load_queries(args.queries)
        kb = _open(args.index, model, args.threads)
    except (KbError, OSError, ValueError) as exc:
        print(f"kb eval: {exc}", file=sys.stderr)
        return 2
    by_lang: dict[str, list[Outcome]] = {lang: [] for lang in LANGS}
    for q in queries:
        if q.lang not in by_lang:
            print(f"kb eval: skipping query in unknown language {q.lang!r}", file=sys.stderr)
            continue
        start = time.perf_counter()
        result = kb.search(q.text, q.lang)
        elapsed = time.perf_counter() - start
        answered = result.results[0].id if result.decision == ANSWER else None
        ranked = [h.id for h in result.ranked]
        by_lang[q.lang].append(Outcome(q.expected_id, ranked, result.decision, answered, elapsed))
    report = {"version": kb.version, **{lang: metrics(o) for lang, o in by_lang.items() if o}}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report))
    return 0


def format_report(report: dict[str, Any]) -> str:
    keys = ("queries", "top1", "mrr5", "answer_precision", "coverage", "resolved", "oos_recall", "p50_ms", "p95_ms")
    langs = [lang for lang in LANGS if lang in report]
    lines = [f"index {report['version']}", "metric".ljust(18) + "".join(lang.rjust(10) for lang in langs)]
    for key in keys:
        lines.append(key.ljust(18) + "".join(str(report[lang].get(key)).rjust(10) for lang in langs))
    return "\n".join(lines)
