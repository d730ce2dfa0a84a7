"""The writer's text edits on the real source files: re-emitting every FAQ article reads back
the same, and added NLU examples land in their intent's block with the rest untouched.  Also
the greedy grouping: continuing from an earlier state equals grouping everything at once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gateway.editor.clustering import GreedyGroups, group
from gateway.editor.faq_yaml import put_article
from gateway.editor.nlu_yaml import add_examples, examples_by_intent, normalise
from gateway.errors import Invalid
from gateway.settings import REPO_ROOT
from kb_index.articles import load_file

FAQ_FILES = sorted((REPO_ROOT / "faq").glob("*/*.yml"))


@pytest.mark.parametrize("path", FAQ_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_faq_article_survives_a_rewrite(path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    articles = load_file(path)
    for article in articles:
        text = put_article(text, article)
    copy = tmp_path / path.parent.name / path.name
    copy.parent.mkdir()
    copy.write_text(text, encoding="utf-8")
    assert load_file(copy) == articles


def test_examples_join_their_intent_block_and_nothing_else_moves() -> None:
    path = REPO_ROOT / "nlu_data" / "nlu_en.yml"
    before = path.read_text(encoding="utf-8")
    after = add_examples(before, "faq", ["do you sell gift cards?", "gift cards: yes or no"])
    parsed_before, parsed_after = examples_by_intent(before, path), examples_by_intent(after, path)
    assert parsed_after["faq"] == [*parsed_before["faq"], "do you sell gift cards?", "gift cards: yes or no"]
    assert {k: v for k, v in parsed_after.items() if k != "faq"} == {
        k: v for k, v in parsed_before.items() if k != "faq"}
    assert [line for line in after.splitlines() if "gift cards" not in line] == before.splitlines()


def test_a_new_intent_block_goes_at_the_end_of_nlu() -> None:
    path = REPO_ROOT / "nlu_data" / "nlu_ko.yml"
    after = add_examples(path.read_text(encoding="utf-8"), "gift_cards", ["기프트카드 있나요?"])
    assert examples_by_intent(after, path)["gift_cards"] == ["기프트카드 있나요?"]
    with pytest.raises(Invalid, match="nlu"):
        add_examples("version: '3.1'\nrules: []\n", "faq", ["x"])


def test_duplicates_are_compared_as_the_classifier_sees_them() -> None:
    assert normalise("Where is  [ORD-100123](order_id)?") == normalise("where is ORD-100123?")


def test_continuing_the_grouping_equals_grouping_at_once() -> None:
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(6, 32))
    rows = centres[rng.integers(0, 6, 300)] + 0.3 * rng.normal(size=(300, 32))
    vectors = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
    stepwise = GreedyGroups(0.6, 32)
    for start in range(0, 300, 37):
        stepwise.extend(vectors[start:start + 37])
    assert stepwise.groups == group(vectors, 0.6)
    assert 4 <= len(stepwise.groups) <= 12  # topics found, not one group per row
