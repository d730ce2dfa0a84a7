"""/metrics: Prometheus text built at scrape time from the store and the queue.

Why not prometheus-client's in-process counters: with several gateway workers each process
would count only its own requests and the multiprocess mode needs a shared directory and
cleanup of dead workers' files.  Every fact is already in the store (all workers' events,
through the ingester) and the queue is in Redis, so any worker answers a scrape with the
whole picture, and the dashboard and the metrics cannot disagree.  Counters count since the
store's oldest event; a retention sweep lowers them, which Prometheus reads as a reset.
Labels are codes, reasons, languages and scores only: never text or ids.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric

from gateway.insights import kinds
from gateway.insights.store import InsightsStore
from handoff import Ticket

LATENCY_BUCKETS_S = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
WAIT_BUCKETS_S = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)


def _histogram(name: str, doc: str, samples: dict[str, list[float]], buckets: tuple[float, ...],
               label: str | None = None) -> HistogramMetricFamily:
    family = HistogramMetricFamily(name, doc, labels=[label] if label else [])
    for value, values in sorted(samples.items()):
        counts = [(str(b), float(sum(v <= b for v in values))) for b in buckets]
        counts.append(("+Inf", float(len(values))))
        family.add_metric([value] if label else [], counts, sum_value=sum(values))
    return family


def _counter(name: str, doc: str, labels: list[str], counts: Counter[tuple[str, ...]]) -> CounterMetricFamily:
    family = CounterMetricFamily(name, doc, labels=labels)
    for values, n in sorted(counts.items()):
        family.add_metric(list(values), n)
    return family


def store_families(store: InsightsStore) -> list[Metric]:
    """Counters and histograms from every stored event (run in a worker thread)."""
    types = (kinds.CONVERSATION_STARTED, kinds.TURN, kinds.KB_DECISION, kinds.ACTION_TIMING, kinds.CSAT, kinds.NPS,
             kinds.PROACTIVE_SHOWN, kinds.PROACTIVE_SUPPRESSED, kinds.REJECTED, "handoff_enqueued")
    rows = store.query(f"SELECT type, lang, fields FROM events WHERE type IN ({','.join('?' * len(types))})", types)
    counts: dict[str, Counter[tuple[str, ...]]] = {name: Counter() for name in (
        "conversations", "turns", "kb", "csat", "nps", "proactive", "rejected", "handoffs")}
    latency: dict[str, list[float]] = {"gateway": [], "rasa": [], "actions": [], "kb": []}
    for type_, lang, raw in rows:
        fields: dict[str, Any] = json.loads(raw)
        lang = lang or "unknown"
        if type_ == kinds.CONVERSATION_STARTED:
            counts["conversations"][lang,] += 1
        elif type_ == kinds.TURN:
            counts["turns"][lang,] += 1
            _ms_into(latency["gateway"], fields.get("gateway_ms"))
            _ms_into(latency["rasa"], fields.get("rasa_ms"))
        elif type_ == kinds.ACTION_TIMING:
            _ms_into(latency["actions"], fields.get("ms"))
        elif type_ == kinds.KB_DECISION:
            counts["kb"][fields["decision"],] += 1
            _ms_into(latency["kb"], fields.get("ms"))
        elif type_ in (kinds.CSAT, kinds.NPS):
            counts[type_][str(fields["score"]),] += 1
        elif type_ in (kinds.PROACTIVE_SHOWN, kinds.PROACTIVE_SUPPRESSED):
            counts["proactive"][type_.removeprefix("proactive_"),] += 1
        elif type_ == kinds.REJECTED:
            counts["rejected"][fields["code"], str(fields["status"])] += 1
        elif type_ == "handoff_enqueued":
            for reason in fields.get("reasons") or ["unknown"]:
                counts["handoffs"][reason, str(fields.get("priority", ""))] += 1
    first_response = {"": list(_answered_tickets(store))}
    p = "shopassist_"
    return [
        _counter(p + "conversations", "Conversations started, by starting language.", ["lang"],
                 counts["conversations"]),
        _counter(p + "turns", "Shopper turns the bot answered, by language.", ["lang"], counts["turns"]),
        _histogram(p + "turn_latency_seconds", "Time per turn in each component.",
                   latency, LATENCY_BUCKETS_S, "component"),
        _counter(p + "kb_decisions", "Knowledge-base decisions.", ["decision"], counts["kb"]),
        _counter(p + "handoffs", "Handoff tickets opened, once per reason.", ["reason", "priority"],
                 counts["handoffs"]),
        _histogram(p + "first_response_seconds", "Ticket opened to the agent's first message (answered tickets).",
                   first_response, WAIT_BUCKETS_S),
        _counter(p + "proactive_prompts", "Proactive prompts shown or suppressed.", ["outcome"],
                 counts["proactive"]),
        _counter(p + "rejected_inputs", "Requests refused with a 4xx, by error code.", ["code", "status"],
                 counts["rejected"]),
        _counter(p + "csat_answers", "CSAT answers by score (1-5).", ["score"], counts["csat"]),
        _counter(p + "nps_answers", "NPS answers by score (0-10).", ["score"], counts["nps"]),
    ]


def _ms_into(values: list[float], ms: Any) -> None:
    if isinstance(ms, int | float):
        values.append(ms / 1000)


def _answered_tickets(store: InsightsStore) -> Iterable[float]:
    """Queue entry to the agent's first message, for every ticket an agent has written on."""
    opened = dict(store.query("SELECT json_extract(fields, '$.ticket_id'), ts FROM events "
                              "WHERE type = 'handoff_enqueued'"))
    for ticket_id, first in store.query(
            "SELECT json_extract(fields, '$.ticket_id'), MIN(ts) FROM events WHERE type = ? "
            "GROUP BY json_extract(fields, '$.ticket_id')", (kinds.AGENT_MESSAGE,)):
        if ticket_id in opened:
            yield max(0.0, first - opened[ticket_id])


def queue_families(waiting: list[Ticket], now: float | None = None) -> list[Metric]:
    """Queue depth and the oldest wait, read from Redis at scrape time."""
    now = time.time() if now is None else now
    depth = GaugeMetricFamily("shopassist_queue_depth", "Tickets waiting for an agent.")
    depth.add_metric([], len(waiting))
    oldest = GaugeMetricFamily("shopassist_queue_oldest_wait_seconds",
                               "How long the longest-waiting ticket has waited.")
    oldest.add_metric([], max((now - t.enqueued_at for t in waiting), default=0.0))
    return [depth, oldest]


class _Families:
    def __init__(self, families: list[Metric]) -> None:
        self._families = families

    def collect(self) -> list[Metric]:
        return self._families


def render(families: list[Metric]) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Families(families))  # type: ignore[arg-type]
    return generate_latest(registry)
