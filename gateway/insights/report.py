"""`shopassist report`: the dashboard's figures for a period, offline, as CSV or HTML.

Reads the same SQLite store through the same `figures.compute`, so the report and the
dashboard cannot disagree.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from gateway.insights import figures
from gateway.insights.period import Period
from gateway.insights.store import InsightsStore


def flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted name, value) rows: lists become name.<index or key>.field."""
    rows: list[tuple[str, Any]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += flatten(value, name + ".")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                label = item.get("reason") or item.get("article_id") or item.get("day") or str(index + 1)
                rows += flatten({k: v for k, v in item.items() if v != label}, f"{name}.{label}.")
        else:
            rows.append((name, "" if value is None else value))
    return rows


def as_csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["figure", "value"])
    writer.writerows(flatten(data))
    return out.getvalue()


def as_html(data: dict[str, Any]) -> str:
    env = Environment(loader=PackageLoader("gateway.insights", "templates"), autoescape=select_autoescape(["html"]))
    return env.get_template("report.html").render(f=data)


def build(store: InsightsStore, period: Period, fmt: str) -> str:
    data = figures.compute(store, period)
    return as_csv(data) if fmt == "csv" else as_html(data)
