"""The filters every figure takes: a period of whole UTC days, a language and a segment.

Validated here once, for the API, the report and the dashboard alike; a problem is a
``ValueError`` whose message names the limit, which the callers show as it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

LANGS = ("en", "ko")
# the shop's segments (actions/shop/segments.py), "anonymous" for shoppers who are not signed in,
# "unknown" for signed-in shoppers whose segment the shop did not report
SEGMENTS = ("new", "regular", "vip", "churn_risk", "anonymous", "unknown")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    lang: str | None = None
    segment: str | None = None

    @classmethod
    def parse(cls, start: str, end: str, lang: str | None, segment: str | None, max_days: int) -> Period:
        try:
            first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        except ValueError:
            raise ValueError(f"dates must be YYYY-MM-DD (got {start!r} and {end!r})") from None
        if last < first:
            raise ValueError(f"the period is reversed: 'to' ({last}) is before 'from' ({first})")
        if (last - first).days + 1 > max_days:
            raise ValueError(f"the period spans {(last - first).days + 1} days; the limit is {max_days} days")
        if lang not in (None, "", *LANGS):
            raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
        if segment not in (None, "", *SEGMENTS):
            raise ValueError(f"unknown segment {segment!r}; use one of {', '.join(SEGMENTS)}")
        return cls(first, last, lang or None, segment or None)

    @property
    def start_ts(self) -> float:
        return dt.datetime.combine(self.start, dt.time(), dt.UTC).timestamp()

    @property
    def end_ts(self) -> float:
        """Exclusive: midnight after the last day."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), dt.UTC).timestamp()

    def days(self) -> list[str]:
        return [(self.start + dt.timedelta(days=i)).isoformat() for i in range((self.end - self.start).days + 1)]

    def to_api(self) -> dict[str, str | None]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "lang": self.lang,
                "segment": self.segment}


def day_of(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).date().isoformat()
