"""Fusion arithmetic and the answer / clarify / none decision."""

from __future__ import annotations

import pytest

from kb_index.fusion import RRF_K, fuse, ranked, rrf, saturate, weighted
from kb_index.policy import ANSWER, CLARIFY, NONE, Policy


def test_rrf_rewards_agreement() -> None:
    dense = {1: 0.9, 2: 0.8, 3: 0.1}
    lexical = {2: 9.0, 3: 5.0}
    fused = rrf(dense, lexical)
    assert ranked(fused)[0][0] == 2  # second and first beats first and absent
    assert fused[2] == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))


def test_saturate_is_bounded_and_monotonic() -> None:
    values = [saturate(s, 5.0) for s in (0.0, 1.0, 5.0, 50.0, 1e6)]
    assert values == sorted(values) and values[0] == 0.0 and values[2] == 0.5 and values[-1] < 1.0


def test_weighted_fills_missing_dense_with_lowest_seen() -> None:
    fused = weighted({1: 0.8, 2: 0.4}, {3: 5.0}, scale=5.0, weight=0.5)
    assert fused[3] == pytest.approx(0.5 * 0.4 + 0.5 * 0.5)
    assert fused[1] == pytest.approx(0.4)


def test_weight_extremes_reduce_to_a_single_retriever() -> None:
    dense, lexical = {1: 0.9, 2: 0.1}, {2: 8.0, 1: 1.0}
    assert ranked(weighted(dense, lexical, 5.0, 1.0))[0][0] == 1
    assert ranked(weighted(dense, lexical, 5.0, 0.0))[0][0] == 2


def test_ranked_is_deterministic_on_ties() -> None:
    assert ranked({7: 0.5, 3: 0.5, 5: 0.9}) == [(5, 0.9), (3, 0.5), (7, 0.5)]


def test_unknown_fusion_method() -> None:
    with pytest.raises(ValueError, match="fusion"):
        fuse("max", {}, {}, 1.0, 0.5)


@pytest.mark.parametrize(
    ("top", "runner_up", "expected"),
    [
        (0.9, 0.5, ANSWER),     # confident and clearly ahead
        (0.9, 0.88, CLARIFY),   # confident but a near tie: let the shopper choose
        (0.5, 0.1, CLARIFY),    # plausible only
        (0.3, 0.1, NONE),       # too weak: hand over
        (None, None, NONE),     # nothing matched
        (0.7, None, ANSWER),    # a single candidate leads by its whole score
    ],
)
def test_decision(top, runner_up, expected) -> None:
    policy = Policy(answer=0.6, margin=0.05, clarify=0.45)
    assert policy.decide(top, runner_up) == expected


def test_policy_round_trips_through_the_manifest() -> None:
    policy = Policy(fusion="rrf", weight=0.3, answer=0.1, margin=0.2, clarify=0.05)
    assert Policy.from_dict(policy.to_dict()) == policy
