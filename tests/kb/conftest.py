"""Shared fixtures: the embedding model and the full FAQ index are built once per session."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
import yaml

from kb_index import Encoder, KnowledgeBase, Tokenizer, build_index

REPO = Path(__file__).resolve().parents[2]
FAQ = REPO / "faq"


def article(id: str, /, lang: str = "en", category: str = "shipping", **fields: Any) -> dict[str, Any]:
    data = {
        "id": id, "lang": lang, "category": category, "title": f"Title of {id}",
        "questions": [f"first question about {id}", f"second question about {id}"],
        "answer": f"The answer for {id}.", "tags": [id], "updated": "2026-10-01",
    }
    data.update(fields)
    return data


TINY = {
    "en/shipping.yml": [
        article("en-ship-cost", title="Shipping costs", questions=["How much is shipping?", "Is delivery free?"],
                answer="Free over {{free_shipping_threshold}}, else {{standard_shipping_fee}}."),
        article("en-ship-time", title="Delivery times",
                questions=["How long does delivery take?", "When will it arrive?"],
                answer="{{standard_delivery_days}}."),
    ],
    "en/returns.yml": [
        article("en-ret-window", category="returns", title="Return window",
                questions=["How many days do I have to return?", "What is the return policy?"],
                answer="{{return_window_days}}."),
    ],
    "ko/shipping.yml": [
        article("ko-ship-cost", lang="ko", title="배송비", questions=["배송비 얼마예요?", "무료배송 기준이 뭐예요?"],
                answer="{{free_shipping_threshold}} 이상 무료배송."),
        article("ko-ship-dawn", lang="ko", title="새벽배송", questions=["새벽배송 되나요?", "아침에 받을 수 있나요?"],
                answer="{{express_order_cutoff}} 전 주문 시 {{express_arrival_time}} 전 도착."),
    ],
}


def write_sources(root: Path, files: dict[str, Any]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else yaml.safe_dump(content, allow_unicode=True))
    return root


class CachingEncoder(Encoder):
    """The real model, remembering vectors by text: the full build encodes the dev set to
    calibrate, and the goal tests search the same questions again."""

    def __init__(self) -> None:
        super().__init__()
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            self._cache.update(zip(missing, super().encode(missing), strict=True))
        return np.stack([self._cache[t] for t in texts]) if texts else super().encode(texts)


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    # One intra-op thread: with two, single-query encodes spin-wait ten times slower on
    # a shared 2-core machine (measured); services should do the same at their entry point.
    torch.set_num_threads(1)
    enc = CachingEncoder()
    enc.warm_up()
    return enc


@pytest.fixture(scope="session")
def tokenizer() -> Tokenizer:
    tok = Tokenizer()
    tok.warm_up()
    return tok


@pytest.fixture
def make_sources(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    return lambda files: write_sources(tmp_path / "faq", files)


@pytest.fixture(scope="session")
def tiny_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sources(tmp_path_factory.mktemp("tiny") / "faq", TINY)


@pytest.fixture(scope="session")
def tiny_built(
    tmp_path_factory: pytest.TempPathFactory, tiny_sources: Path, encoder: Encoder, tokenizer: Tokenizer
) -> Path:
    root = tmp_path_factory.mktemp("tiny-built") / "kb"
    build_index(tiny_sources, root, encoder=encoder, tokenizer=tokenizer)
    return root


@pytest.fixture
def tiny_index(tmp_path: Path, tiny_built: Path) -> Path:
    """A private copy of the tiny index, so tests may publish and rebuild freely."""
    return Path(shutil.copytree(tiny_built, tmp_path / "kb", symlinks=True))


@pytest.fixture(scope="session")
def full_index(tmp_path_factory: pytest.TempPathFactory, encoder: Encoder, tokenizer: Tokenizer) -> Path:
    """The real FAQ, calibrated on the real dev set (the same build `kb build` does)."""
    root = tmp_path_factory.mktemp("full") / "kb"
    build_index(FAQ, root, encoder=encoder, tokenizer=tokenizer)
    return root


@pytest.fixture(scope="session")
def full_kb(full_index: Path, encoder: Encoder, tokenizer: Tokenizer) -> KnowledgeBase:
    kb = KnowledgeBase(full_index, encoder=encoder, tokenizer=tokenizer)
    kb.warm_up()
    return kb
