"""The `kb` command's contract: exit codes and JSON shapes that checks rely on."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kb_index import Encoder, KnowledgeBase, Tokenizer, cli, knowledge_base, layout

from .conftest import REPO, TINY, article, write_sources


@pytest.fixture(autouse=True)
def shared_model(monkeypatch: pytest.MonkeyPatch, encoder: Encoder, tokenizer: Tokenizer) -> None:
    """The CLI opens its own KnowledgeBase (imported when a command runs); hand it the session's loaded
    model instead of a new one."""
    monkeypatch.setattr(
        knowledge_base, "KnowledgeBase",
        lambda index, model: KnowledgeBase(index, model, encoder=encoder, tokenizer=tokenizer),
    )


def run_kb(argv: list[str], source: Path, index: Path) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    cli.register(sub, source_dir=source, index_dir=index, model=None)
    args = parser.parse_args(["kb", *argv])
    return args.func(args)


def test_search_json_shape(tiny_index: Path, tiny_sources: Path, capsys: pytest.CaptureFixture) -> None:
    assert run_kb(["search", "How much is shipping?", "--lang", "en", "--json"], tiny_sources, tiny_index) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["decision"] in ("answer", "clarify", "none")
    for hit in out["results"]:
        assert set(hit) == {"id", "category", "title", "score"}
    assert run_kb(["search", "배송비 얼마예요?", "--json"], tiny_sources, tiny_index) == 0  # lang guessed
    assert all(h["id"].startswith("ko-") for h in json.loads(capsys.readouterr().out)["results"])


def test_batch_keeps_order_and_survives_bad_lines(
    tiny_index: Path, tiny_sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join([
        json.dumps({"text": "How much is shipping?", "lang": "en"}),
        json.dumps({"text": "", "lang": "en"}),
        json.dumps({"text": "shipping", "lang": "fr"}),
        "not json",
        json.dumps({"text": "새벽배송 되나요?", "lang": "ko"}),
    ]) + "\n")
    assert run_kb(["search", "--batch", str(batch), "--json"], tiny_sources, tiny_index) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 5
    assert all(line["decision"] in ("answer", "clarify", "none") and "results" in line for line in lines)
    assert lines[1] == {"decision": "none", "results": [], "note": "empty query"}
    assert "unknown language" in lines[2]["error"] and "error" in lines[3]
    assert lines[4]["decision"] != "none" and lines[4]["results"][0]["id"] == "ko-ship-dawn"


def test_unknown_language_exits_2(tiny_index: Path, tiny_sources: Path, capsys: pytest.CaptureFixture) -> None:
    assert run_kb(["search", "hi", "--lang", "de", "--json"], tiny_sources, tiny_index) == 2
    assert "unknown language" in capsys.readouterr().err


def test_search_without_index_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert run_kb(["search", "hi", "--json"], tmp_path, tmp_path / "none") == 3
    assert "kb build" in capsys.readouterr().err


def test_build_failure_names_the_problem_and_keeps_current(
    tiny_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    before = layout.current_version(tiny_index)
    clash = [article("ko-ship-cost", lang="ko", category="returns")]
    dup = write_sources(tmp_path / "dup", {**TINY, "ko/returns.yml": clash})
    assert run_kb(["build", "--source", str(dup), "--out", str(tiny_index)], dup, tiny_index) == 1
    err = capsys.readouterr().err
    assert "ko/returns.yml" in err and "ko-ship-cost" in err and "duplicate id" in err
    assert layout.current_version(tiny_index) == before


def test_eval_reports_per_language(tiny_index: Path, tiny_sources: Path, tmp_path: Path, capsys) -> None:
    queries = tmp_path / "eval.jsonl"
    queries.write_text("\n".join(json.dumps(q) for q in [
        {"text": "what does delivery cost", "lang": "en", "expected_id": "en-ship-cost"},
        {"text": "how long do i have to send it back", "lang": "en", "expected_id": "en-ret-window"},
        {"text": "who won the match", "lang": "en", "expected_id": None},
        {"text": "새벽에 받을 수 있어요?", "lang": "ko", "expected_id": "ko-ship-dawn"},
    ]))
    assert run_kb(["eval", "--queries", str(queries), "--json"], tiny_sources, tiny_index) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["en"]["in_scope"] == 2 and report["en"]["out_of_scope"] == 1 and report["ko"]["in_scope"] == 1
    for key in ("top1", "mrr5", "answer_precision", "coverage", "oos_recall", "p50_ms", "p95_ms"):
        assert key in report["en"]


def test_module_entry_point_in_a_subprocess(tmp_path: Path) -> None:
    """`python -m kb_index kb ...` is wired up (cheap path: no index, so no model load)."""
    proc = subprocess.run(
        [sys.executable, "-m", "kb_index", "kb", "search", "where is my order", "--index", str(tmp_path), "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 3, proc.stderr
    assert "no index" in proc.stderr and proc.stdout == ""


def test_build_refuses_a_figure_that_contradicts_the_shop_facts(
    tiny_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    before = layout.current_version(tiny_index)
    stale = [article("ko-ship-cost", lang="ko", answer="3만 원 이상 구매 시 무료배송입니다.")]
    source = write_sources(tmp_path / "stale", {**TINY, "ko/shipping.yml": stale})
    assert run_kb(["build", "--source", str(source), "--out", str(tiny_index)], source, tiny_index) == 1
    err = capsys.readouterr().err
    assert "ko-ship-cost" in err and "'3만 원'" in err and "free_shipping_threshold = 50,000원" in err
    assert "write {{free_shipping_threshold}}" in err
    assert layout.current_version(tiny_index) == before


def test_build_reports_a_broken_facts_file(tiny_index: Path, tiny_sources: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture) -> None:
    facts = tmp_path / "shop_facts.yml"
    facts.write_text("currency: KRW\nfacts:\n  free_shipping_threshold: {kind: money, value: 50000}\n")
    assert run_kb(["build", "--facts", str(facts), "--out", str(tiny_index)], tiny_sources, tiny_index) == 1
    assert "facts.free_shipping_threshold.keywords: missing" in capsys.readouterr().err
