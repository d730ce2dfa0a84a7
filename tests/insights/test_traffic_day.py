"""The issue's "done when": a scripted day of traffic (bench/traffic_day.py, small) through the real
gateway, Rasa, action server and Redis; the dashboard API, /metrics and `shopassist report` must
show exactly the generator's own counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bench.traffic_day import Day, tickets_in
from gateway.cli import main as cli
from gateway.insights.outcomes import OUTCOMES
from gateway.insights.report import flatten
from gateway.settings import Settings
from tests.conftest import add_staff
from tests.insights.conftest import METRICS_TOKEN
from tests.insights.day_checks import failures_in, inbox_kinds

pytestmark = [pytest.mark.rasa, pytest.mark.redis, pytest.mark.slow]
SEED, SHOPPERS = 136, 24  # a seed that plays every ending and failure kind, in both languages

def _agent(monkeypatch, capsys, redis_url: str, prefix: str, lang: str) -> str:
    monkeypatch.setenv("SHOPASSIST_REDIS_URL", redis_url)
    monkeypatch.setenv("SHOPASSIST_KEY_PREFIX", prefix)
    assert cli(["agents", "add", f"traffic-{lang}", "--skills", "general", "--langs", lang, "--capacity", "20"]) == 0
    return capsys.readouterr().out.strip().splitlines()[-1]


def _report_csv(monkeypatch, capsys, settings: Settings, day: str) -> dict[str, str]:
    monkeypatch.setenv("SHOPASSIST_INSIGHTS_DB", str(settings.insights_path))
    assert cli(["report", "--from", day, "--to", day, "--format", "csv"]) == 0
    return {row["figure"]: row["value"] for row in csv.DictReader(io.StringIO(capsys.readouterr().out))}


def _metric(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {tuple(sorted(s.labels.items())): s.value for family in text_string_to_metric_families(text)
            for s in family.samples if s.name == name}


def test_dashboard_report_and_metrics_equal_the_generators_counts(
        insights_gateway, rasa_stack, redis_url: str, key_prefix: str, monkeypatch, capsys,
        tmp_path: Path) -> None:
    client, settings = insights_gateway
    lead = add_staff(monkeypatch, capsys, redis_url, key_prefix, "lead", "traffic-lead")
    editor = add_staff(monkeypatch, capsys, redis_url, key_prefix, "editor", "traffic-editor")
    agents = {lang: _agent(monkeypatch, capsys, redis_url, key_prefix, lang) for lang in ("en", "ko")}
    day = dt.datetime.now(dt.UTC).date().isoformat()

    before = {lang: inbox_kinds(client, editor, lang) for lang in ("en", "ko")}
    day_of_traffic = Day(client, identity_secret=rasa_stack.env["SHOPASSIST_IDENTITY_SECRET"], agent_tokens=agents,
                         ticket_of=tickets_in(redis_url, key_prefix), seed=SEED)
    counts = day_of_traffic.play(SHOPPERS).to_dict()
    try:
        _check_figures(client, lead, counts, day, monkeypatch, capsys, settings, tmp_path)
        _check_inbox(client, editor, counts, before)
    finally:
        day_of_traffic.leave_the_queue()


def _check_inbox(client, editor: dict[str, str], counts: dict,  # type: ignore[no-untyped-def]
                 before: dict[str, Counter[str]]) -> None:
    """The day added every failure it played to the editors' inbox, by kind and language (the inbox
    is shared with the session's other tests: what was there before is subtracted)."""
    assert {key.split("/")[1] for key in counts["failures"]} >= {
        "kb_none", "not_helpful", "out_of_scope", "rephrased", "handoff_after_answer"}
    for lang in ("en", "ko"):
        assert dict(inbox_kinds(client, editor, lang) - before[lang]) == failures_in(counts, lang)


def _check_figures(client, lead, counts, day, monkeypatch, capsys, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert counts["surprises"] == []
    # this seed plays these endings at least once (every ending's rule: tests/insights/test_outcomes.py)
    assert {"bot_resolved", "agent_resolved", "abandoned_after_miss", "abandoned_after_no", "abandoned_at_dead_end",
            "abandoned_waiting", "open", "silent"} <= set(counts["outcomes"])
    assert counts["still_waiting"] and counts["proactive"]["shown"]

    figures = client.get("/api/v1/insights/figures", params={"from": day, "to": day}, headers=lead).json()
    assert figures["conversations"] == counts["conversations"]
    assert figures["turns"] == counts["turns"]
    assert figures["outcomes"] == {o: counts["outcomes"].get(o, 0) for o in OUTCOMES}
    assert figures["containment"] == round(counts["contained"] / counts["spoke"], 4)
    assert figures["handed_off"] == counts["handed_off"] and figures["contained"] == counts["contained"]
    assert {r["reason"]: r["conversations"] for r in figures["handoffs_by_reason"]} == counts["handoffs_by_reason"]
    assert figures["ticket_outcomes"] == {o: counts["ticket_outcomes"].get(o, 0)
                                          for o in ("resolved", "handed_back", "cancelled", "dead")}
    for lang in ("en", "ko"):
        assert {k: n for k, n in figures["failures"][lang].items() if n} == failures_in(counts, lang)
    # every ticket counts, those nobody claimed (left, or still waiting) as censored waits
    assert figures["wait_s"]["n"] == counts["handed_off"]
    assert figures["wait_s"]["censored"] == counts["ticket_outcomes"].get("cancelled", 0) + counts["still_waiting"]
    assert figures["first_response_s"]["n"] == counts["handed_off"]
    assert figures["first_response_s"]["censored"] == counts["handed_off"] - counts["agent_replied"]
    example = client.get("/api/v1/insights/examples", headers=lead,
                         params={"from": day, "to": day, "outcome": "abandoned_at_dead_end", "limit": 1}).json()
    [dead_end] = example["examples"]
    assert any("ORD-199999" in m["text"] for m in dead_end["messages"] if m["sender"] == "shopper")
    assert figures["csat"]["distribution"] == counts["csat"]
    assert figures["nps"]["n"] == len(counts["nps"])
    assert figures["kb"] == {d: counts["kb"].get(d, 0) for d in ("answer", "clarify", "none")}
    assert figures["proactive"] == counts["proactive"]
    assert sum(d["conversations"] for d in figures["trend"]) == counts["conversations"]

    for lang in ("en", "ko"):
        one = client.get("/api/v1/insights/figures", params={"from": day, "to": day, "lang": lang},
                         headers=lead).json()
        assert one["conversations"] == sum(n for k, n in counts["by_lang_segment"].items() if k.startswith(lang))
    vip = client.get("/api/v1/insights/figures", params={"from": day, "to": day, "segment": "vip"},
                     headers=lead).json()
    assert vip["conversations"] == sum(n for k, n in counts["by_lang_segment"].items() if k.endswith("/vip"))

    report = _report_csv(monkeypatch, capsys, settings, day)

    def still_running(name: str) -> bool:  # waits still running have grown since the figures were read
        return name.startswith(("wait_s.p", "first_response_s.p"))

    assert {k: v for k, v in report.items() if not still_running(k)} == {
        name: str(value) for name, value in flatten(figures) if not still_running(name)}
    assert report["conversations"] == str(counts["conversations"])

    metrics = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    rejected = _metric(metrics, "shopassist_rejected_inputs_total")
    assert {dict(labels)["code"]: n for labels, n in rejected.items()} == {
        code: float(n) for code, n in counts["rejected"].items()}
    assert sum(_metric(metrics, "shopassist_conversations_total").values()) == counts["conversations"]
    assert _metric(metrics, "shopassist_turn_latency_seconds_count")[(("component", "gateway"),)] == counts["turns"]

    html = tmp_path / "report.html"
    assert cli(["report", "--from", day, "--to", day, "--format", "html", "--out", str(html)]) == 0
    assert f"<tr><th>Conversations</th><td>{counts['conversations']}</td></tr>" in html.read_text()
