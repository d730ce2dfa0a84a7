"""Schema validation: every malformed source names the file, the article and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb_index import CATEGORIES, LANGS, SourceError
from kb_index.articles import load_articles

from .conftest import FAQ, article


def test_the_shipped_faq_is_valid_and_complete() -> None:
    articles = load_articles(FAQ)
    for lang in LANGS:
        mine = [a for a in articles if a.lang == lang]
        assert len(mine) >= 60
        assert {a.category for a in mine} == set(CATEGORIES)
        assert all(len(a.questions) >= 2 and a.answer and a.tags for a in mine)


def test_valid_minimal_file_loads(make_sources) -> None:
    root = make_sources({"en/orders.yml": [article("en-orders-x", category="orders")]})
    [loaded] = load_articles(root)
    assert (loaded.id, loaded.lang, loaded.category, loaded.updated) == ("en-orders-x", "en", "orders", "2026-10-01")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"questions": ["only one"]}, "questions"),
        ({"questions": "not a list"}, "questions"),
        ({"questions": ["fine", ""]}, "questions[1]"),
        ({"title": "  "}, "title"),
        ({"answer": None}, "answer"),
        ({"lang": "ko"}, "lang"),
        ({"category": "orders"}, "category"),
        ({"updated": "yesterday"}, "updated"),
        ({"tags": ["ok", 44]}, "tags[1]"),
        ({"id": "Bad ID!"}, "id"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_field_is_named(make_sources, change: dict, field: str) -> None:
    root = make_sources({"en/shipping.yml": [article("en-ship-ok"), article("en-ship-bad", **change)]})
    with pytest.raises(SourceError) as err:
        load_articles(root)
    assert err.value.field == field
    assert err.value.file.endswith("en/shipping.yml")
    assert err.value.article in ("en-ship-bad", "#2", "Bad ID!")
    assert "shipping.yml" in str(err.value) and field in str(err.value)


def test_missing_field_is_named(make_sources) -> None:
    bad = article("en-ship-bad")
    del bad["answer"]
    root = make_sources({"en/shipping.yml": [bad]})
    with pytest.raises(SourceError, match="answer.*missing") as err:
        load_articles(root)
    assert err.value.article == "en-ship-bad"


def test_duplicate_ids_are_rejected_across_files(make_sources) -> None:
    root = make_sources({
        "en/shipping.yml": [article("en-dup")],
        "en/returns.yml": [article("en-dup", category="returns")],
    })
    with pytest.raises(SourceError, match="duplicate id") as err:
        load_articles(root)
    assert err.value.field == "id"


@pytest.mark.parametrize(
    ("rel", "content", "problem"),
    [
        ("en/shipping.yml", "- id: [unclosed\n", "not valid YAML"),
        ("en/shipping.yml", "id: not-a-list\n", "list of articles"),
        ("en/shipping.yml", "", "list of articles"),
        ("en/shipping.yml", "- just a string\n", "mapping"),
        ("en/weather.yml", "- {}\n", "category"),
        ("fr/shipping.yml", "- {}\n", "no FAQ files"),
    ],
)
def test_malformed_files(make_sources, rel: str, content: str, problem: str) -> None:
    root = make_sources({rel: content})
    with pytest.raises(SourceError, match=problem):
        load_articles(root)


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no FAQ files"):
        load_articles(tmp_path)
