"""FAQ articles: the schema, and loading plus validating the YAML sources.

Validation is strict and happens before anything is encoded, so a typo in one file
fails the build with a message naming the file, the article and the field, while the
previous index stays live.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from contracts.shop_facts import ShopFacts, UnknownFact
from kb_index.errors import SourceError
from kb_index.figures import contradictions

LANGS = ("en", "ko")
CATEGORIES = (
    "orders", "shipping", "returns", "refunds", "payments",
    "account", "membership", "coupons", "products", "privacy",
)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,79}$")
_REQUIRED = ("id", "lang", "category", "title", "questions", "answer", "tags", "updated")


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    lang: str
    category: str
    title: str
    questions: tuple[str, ...]
    answer: str
    tags: tuple[str, ...]
    updated: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "lang": self.lang, "category": self.category, "title": self.title,
            "questions": list(self.questions), "answer": self.answer, "tags": list(self.tags),
            "updated": self.updated,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return cls(
            id=data["id"], lang=data["lang"], category=data["category"], title=data["title"],
            questions=tuple(data["questions"]), answer=data["answer"], tags=tuple(data["tags"]),
            updated=data["updated"],
        )


def source_files(source_dir: Path) -> list[Path]:
    """Every `<lang>/<category>.yml` under the source folder, in a stable order."""
    return sorted(p for lang in LANGS for p in (source_dir / lang).glob("*.y*ml"))


def load_articles(source_dir: Path, facts: ShopFacts | None = None) -> list[Article]:
    """Load and validate all sources; raises SourceError on the first problem.

    With `facts`, each title and answer is checked against them and its {{fact}} placeholders are
    rendered: the text the index serves.  Without, the text comes as written, placeholders and all:
    what an editor edits and writes back (rendered text would freeze the figures into the file)."""
    files = source_files(source_dir)
    if not files:
        raise SourceError(source_dir, None, None, "no FAQ files found (expected <lang>/<category>.yml)")
    articles: list[Article] = []
    seen: dict[str, Path] = {}
    for path in files:
        for article in load_file(path, facts):
            if article.id in seen:
                raise SourceError(path, article.id, "id", f"duplicate id (first defined in {seen[article.id]})")
            seen[article.id] = path
            articles.append(article)
    return articles


def load_file(path: Path, facts: ShopFacts | None = None) -> list[Article]:
    """Parse one `<lang>/<category>.yml` file: a YAML list of article mappings."""
    lang, category = path.parent.name, path.stem
    if lang not in LANGS:
        raise SourceError(path, None, None, f"folder must be one of {LANGS}")
    if category not in CATEGORIES:
        raise SourceError(path, None, None, f"file name must be a category: {', '.join(CATEGORIES)}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SourceError(path, None, None, f"not valid YAML: {exc}") from exc
    if not isinstance(data, list) or not data:
        raise SourceError(path, None, None, "must be a non-empty YAML list of articles")
    return [_article(path, i, raw, lang, category, facts) for i, raw in enumerate(data)]


def _article(path: Path, index: int, raw: Any, lang: str, category: str, facts: ShopFacts | None) -> Article:
    label = f"#{index + 1}"
    if not isinstance(raw, dict):
        raise SourceError(path, label, None, "article must be a mapping")
    if isinstance(raw.get("id"), str):
        label = raw["id"]
    for name in _REQUIRED:
        if name not in raw:
            raise SourceError(path, label, name, "missing")
    unknown = sorted(set(raw) - set(_REQUIRED))
    if unknown:
        raise SourceError(path, label, unknown[0], "unknown field")
    if not isinstance(raw["id"], str) or not _ID.match(raw["id"]):
        raise SourceError(path, label, "id", "must be 3-80 chars of a-z, 0-9 and '-'")
    if raw["lang"] != lang:
        raise SourceError(path, label, "lang", f"is {raw['lang']!r} but the file is under {lang}/")
    if raw["category"] != category:
        raise SourceError(path, label, "category", f"is {raw['category']!r} but the file is {category}.yml")
    title = _text(path, label, "title", raw["title"])
    answer = _text(path, label, "answer", raw["answer"])
    questions = _texts(path, label, "questions", raw["questions"], minimum=2)
    tags = _texts(path, label, "tags", raw["tags"], minimum=0)
    if facts is not None:
        title = _with_facts(path, label, "title", title, lang, facts)
        answer = _with_facts(path, label, "answer", answer, lang, facts)
    return Article(
        id=raw["id"], lang=lang, category=category, title=title, questions=questions,
        answer=answer, tags=tags, updated=_date(path, label, raw["updated"]),
    )


def _text(path: Path, label: str, field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SourceError(path, label, field, "must be a non-empty string")
    return value.strip()


def _with_facts(path: Path, label: str, field: str, text: str, lang: str, facts: ShopFacts) -> str:
    try:
        rendered = facts.render(text, lang)
    except UnknownFact as exc:
        problem = f"unknown placeholder {{{{{exc.name}}}}}: {facts.source} has no such fact"
        raise SourceError(path, label, field, problem) from None
    found = next(contradictions(text, lang, facts), None)
    if found is not None:
        raise SourceError(path, label, field, found.problem)
    return rendered


def _texts(path: Path, label: str, field: str, value: Any, minimum: int) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) < minimum:
        raise SourceError(path, label, field, f"must be a list of at least {minimum} strings")
    items = tuple(_text(path, label, f"{field}[{i}]", item) for i, item in enumerate(value))
    if len(set(items)) != len(items):
        raise SourceError(path, label, field, "contains duplicates")
    return items


def _date(path: Path, label: str, value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise SourceError(path, label, "updated", "must be a date YYYY-MM-DD")


def by_language(articles: Iterable[Article]) -> dict[str, list[Article]]:
    grouped: dict[str, list[Article]] = {lang: [] for lang in LANGS}
    for article in articles:
        grouped[article.lang].append(article)
    return grouped
