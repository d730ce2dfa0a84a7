"""Figure definitions on a hand-made store: each number below is worked out by hand from the events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from contracts.signals import MISS_SOURCES
from gateway.insights import figures, report
from gateway.insights.period import Period
from gateway.insights.store import Event, InsightsStore

DAY = dt.date(2026, 11, 20)
T0 = dt.datetime(2026, 11, 20, tzinfo=dt.UTC).timestamp()
_ids = iter(range(1, 10_000))


def ev(type_: str, cid: str | None, ts: float, **fields) -> Event:  # type: ignore[no-untyped-def]
    extra = {k: fields.pop(k) for k in ("lang", "segment", "subject") if k in fields}
    return Event(f"in:{next(_ids)}-0", T0 + ts, type_, cid, fields, **extra)


def started(cid: str, ts: float, lang: str = "en", segment: str | None = "anonymous") -> Event:
    return ev("conversation_started", cid, ts, lang=lang, segment=segment, page_type="product")


def ticket(cid: str, tid: str, ts: float, reasons: list[str], claim_after: float | None,
           outcome: str | None, reply_after: float | None = None) -> list[Event]:
    events = [ev("handoff_enqueued", cid, ts, ticket_id=tid, reasons=reasons, priority=50, skill="general")]
    if claim_after is not None:
        events.append(ev("handoff_claimed", cid, ts + claim_after, ticket_id=tid))
    if reply_after is not None:
        events.append(ev("agent_message", cid, ts + reply_after, ticket_id=tid))
    if outcome:
        events.append(ev(f"handoff_{outcome}", cid, ts + 100, ticket_id=tid))
    return events


NOW = T0 + 1000  # when the figures are read: ticket T4 has waited 940 s and is still waiting


@pytest.fixture
def store(tmp_path: Path) -> InsightsStore:
    store = InsightsStore(tmp_path / "insights.sqlite3")
    store.add([
        started("a", 10), started("b", 20, "ko"), started("c", 30, segment=None), started("d", 86399, "ko"),
        started("e", 60), started("f", 55, "ko"), started("g", 65), started("h", 66),
        started("late", 86400 + 5),  # the next day: outside a one-day period
        ev("segment", "c", 31, segment="vip"),
        ev("turn", "a", 11, lang="en"), ev("turn", "b", 21, lang="ko"), ev("turn", "c", 32, lang="en"),
        ev("kb_decision", "a", 11, decision="answer", article_id="en-returns-policy", title="Return policy"),
        ev("kb_decision", "b", 21, decision="none"),
        ev("miss", "b", 21, source="kb_none", question="Where is  my ***?"),
        ev("kb_decision", "c", 32, decision="none"), ev("miss", "c", 32, source="kb_none", question="where is my ***?"),
        ev("turn", "e", 70, lang="en"), ev("kb_decision", "e", 70, decision="answer", article_id="en-returns-policy"),
        ev("turn", "e", 75, lang="en"),
        ev("miss", "e", 75, source="not_helpful", question="What is the return policy?"),
        ev("turn", "h", 67, lang="en"), ev("bot_result", "h", 67, result="dead_end"),
        *ticket("b", "T1", 40, ["human_requested", "anger"], claim_after=10, outcome="resolved", reply_after=15),
        *ticket("c", "T2", 50, ["human_requested"], claim_after=30, outcome="handed_back", reply_after=40),
        *ticket("d", "T3", 86399, ["payment_issue"], claim_after=None, outcome="cancelled"),
        *ticket("f", "T4", 60, ["human_requested"], claim_after=None, outcome=None),
        ev("csat", "b", 200, score=5), ev("csat", "c", 210, score=2),
        ev("nps", "b", 201, score=10), ev("nps", "c", 211, score=3), ev("nps", "a", 212, score=8),
        ev("proactive_shown", "a", 5, rule="product_dwell"), ev("proactive_shown", "d", 86399.5, rule="x"),
        ev("proactive_suppressed", "b", 19, rule="x", reason="holdout"),
        ev("proactive_suppressed", "e", 61, rule="x", reason="cooldown"),
    ])
    return store


def test_every_figure_of_one_day(store: InsightsStore) -> None:
    f = figures.compute(store, Period(DAY, DAY), now=NOW)
    assert f["conversations"] == 8 and f["turns"] == 6
    assert f["outcomes"] == {
        "bot_resolved": 1, "agent_resolved": 2, "left_message": 0, "abandoned_after_miss": 0,  # a; b, c
        "abandoned_after_no": 1, "abandoned_at_dead_end": 1, "abandoned_waiting": 1,  # e; h; d
        "abandoned_midway": 0, "open": 1, "silent": 1}  # f; g
    # containment: only the bot's own success, over the conversations in which the shopper wrote
    assert (f["contained"], f["containment"], f["handed_off"], f["handoff_rate"]) == (1, round(1 / 7, 4), 4, 0.5)
    assert f["handoffs_by_reason"] == [
        {"reason": "human_requested", "conversations": 3, "rate": 0.375},
        {"reason": "anger", "conversations": 1, "rate": 0.125},
        {"reason": "payment_issue", "conversations": 1, "rate": 0.125}]
    assert f["ticket_outcomes"] == {"resolved": 1, "handed_back": 1, "cancelled": 1, "dead": 0}
    # claimed after 10 and 30 s; T3 left after 100 s unclaimed, T4 still waits (940 s): both count, censored
    assert f["wait_s"] == {"n": 4, "censored": 2, "enough": False, "p50": 30.0, "p50_at_least": False,
                           "p95": 940.0, "p95_at_least": True}
    assert f["first_response_s"] == {"n": 4, "censored": 2, "enough": False, "p50": 40.0,
                                     "p50_at_least": False, "p95": 940.0, "p95_at_least": True}
    assert f["csat"] == {"n": 2, "average": 3.5, "distribution": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}}
    assert f["nps"] == {"n": 3, "promoters": 1, "detractors": 1, "passives": 1, "score": 0.0}
    assert f["kb"] == {"answer": 2, "clarify": 0, "none": 2}
    assert f["failures"]["en"] == {**dict.fromkeys(MISS_SOURCES, 0), "kb_none": 1, "not_helpful": 1}
    assert f["failures"]["ko"] == {**dict.fromkeys(MISS_SOURCES, 0), "kb_none": 1}
    assert f["top_articles"] == {"en": [{"article_id": "en-returns-policy", "title": "Return policy", "count": 2}],
                                 "ko": []}
    # the two kb_none misses differ in case and spacing only: one entry per language
    assert f["top_misses"] == {
        "en": [{"text": "what is the return policy?", "kinds": {"not_helpful": 1}, "count": 1},
               {"text": "where is my ***?", "kinds": {"kb_none": 1}, "count": 1}],
        "ko": [{"text": "where is my ***?", "kinds": {"kb_none": 1}, "count": 1}]}
    assert f["proactive"] == {"shown": 2, "engaged": 1, "suppressed": 2,  # only "a" wrote after its prompt
                              "suppressed_by_reason": {"cooldown": 1, "holdout": 1}}
    assert f["trend"] == [{"day": "2026-11-20", "conversations": 8, "handed_off": 4, "containment": round(1 / 7, 4),
                           "csat_average": 3.5}]


def test_censored_percentiles_are_exact_only_when_no_running_wait_lies_below_them() -> None:
    exact = figures.censored_percentiles([1.0, 2.0, 3.0], [50.0])
    assert (exact["p50"], exact["p50_at_least"], exact["p95"], exact["p95_at_least"]) == (2.0, False, 50.0, True)
    bound = figures.censored_percentiles([30.0], [5.0, 6.0])  # two still waiting, shorter than the one served
    assert (bound["p50"], bound["p50_at_least"]) == (6.0, True)
    many = figures.censored_percentiles([float(v) for v in range(10)], [])
    assert many["enough"] and many["censored"] == 0 and not many["p95_at_least"]


def test_filters_pick_conversations_by_language_and_segment(store: InsightsStore) -> None:
    korean = figures.compute(store, Period(DAY, DAY, lang="ko"))
    assert korean["conversations"] == 3 and korean["handed_off"] == 3 and korean["csat"]["n"] == 1
    assert korean["top_articles"] == {"en": [], "ko": []} and korean["failures"]["en"]["kb_none"] == 0
    vip = figures.compute(store, Period(DAY, DAY, segment="vip"))  # "c" learned its segment on its turn
    assert vip["conversations"] == 1 and vip["ticket_outcomes"]["handed_back"] == 1
    assert figures.compute(store, Period(DAY, DAY, segment="unknown"))["conversations"] == 0
    two_days = figures.compute(store, Period(DAY, DAY + dt.timedelta(days=1)))
    assert two_days["conversations"] == 9 and [d["conversations"] for d in two_days["trend"]] == [8, 1]


def test_an_event_stored_twice_counts_once(store: InsightsStore) -> None:
    [(entry_id,)] = store.query("SELECT id FROM events WHERE type = 'conversation_started' AND conversation_id = 'a'")
    again = Event(entry_id, T0 + 10, "conversation_started", "a", {"page_type": "product"}, lang="en")
    assert store.add([again]) == 0
    assert figures.compute(store, Period(DAY, DAY))["conversations"] == 8


def test_erasing_a_subject_removes_its_conversations_and_events(tmp_path: Path) -> None:
    store = InsightsStore(tmp_path / "insights.sqlite3")
    store.add([ev("conversation_started", "x", 1, lang="en", segment=None, subject="s1", page_type="home"),
               ev("turn", "x", 2, lang="en"), ev("csat", "x", 3, score=4), started("y", 4)])
    assert [e["type"] for e in store.export_subject("s1")] == ["conversation_started", "turn", "csat"]
    assert store.erase_subject("s1") == 3
    assert store.export_subject("s1") == [] and figures.compute(store, Period(DAY, DAY))["conversations"] == 1


@pytest.mark.parametrize(("start", "end", "lang", "segment", "needle"), [
    ("2026-11-20", "2026-11-19", None, None, "reversed"),
    ("2025-01-01", "2026-11-20", None, None, "the limit is 366 days"),
    ("2026-11-20", "2026-13-01", None, None, "YYYY-MM-DD"),
    ("2026-11-20", "2026-11-20", "de", None, "unknown language"),
    ("2026-11-20", "2026-11-20", None, "gold", "unknown segment"),
])
def test_bad_periods_are_refused_naming_the_problem(start, end, lang, segment, needle) -> None:
    with pytest.raises(ValueError, match=needle):
        Period.parse(start, end, lang, segment, max_days=366)


def test_percentile_is_nearest_rank() -> None:
    assert figures.percentile([], 50) is None
    assert figures.percentile([5.0], 95) == 5.0
    values = [float(v) for v in range(1, 101)]
    assert (figures.percentile(values, 50), figures.percentile(values, 95)) == (50.0, 95.0)


def test_the_html_report_states_outcomes_bounds_and_titles(store: InsightsStore) -> None:
    html = report.as_html(figures.compute(store, Period(DAY, DAY), now=NOW))
    assert "<tr><td>abandoned_after_no</td><td>1</td></tr>" in html
    assert "Wait p50 / p95 (s)</th><td>30.0 / ≥ 940.0 (n = 4, 2 still waiting or left; too few to rely on)" in html
    assert "<td>en</td><td>Return policy (en-returns-policy)</td><td>2</td>" in html
    assert "suppressed 2 (cooldown 1, holdout 1)" in html
