"""What a scripted day (bench/traffic_day.py) must have left in the editors' inbox: the day's own
failures by language and kind, read from the generator's counts and from the inbox API."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx

from gateway.api.editor_content import CLUSTERS_MAX


def failures_in(counts: dict[str, Any], lang: str) -> dict[str, int]:
    """The generator's failures of one language, by kind."""
    return {kind: n for key, n in counts["failures"].items() for k_lang, kind in [key.split("/")] if k_lang == lang}


def inbox_kinds(client: httpx.Client, editor: dict[str, str], lang: str) -> Counter[str]:
    """The open misses in the editors' inbox by kind, checking that each cluster's figures agree."""
    found = client.get("/api/v1/editor/misses/clusters", headers=editor,
                       params={"lang": lang, "limit": CLUSTERS_MAX}).json()["clusters"]
    assert len(found) < CLUSTERS_MAX  # none left out
    kinds: Counter[str] = Counter()
    for cluster in found:
        kinds.update(cluster["kinds"])
        assert sum(cluster["kinds"].values()) == cluster["count"]
        if not cluster["more"]:  # every distinct text shown: their counts add up to the cluster's
            assert sum(cluster["example_counts"]) == cluster["count"]
    return kinds
