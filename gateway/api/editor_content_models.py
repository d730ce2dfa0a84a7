"""Request bodies of the editor content API (miss inbox, FAQ articles).  Unknown fields are refused."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from gateway.api.models import Strict
from kb_index import CATEGORIES, Article

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _one_line(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if _CONTROL.search(value):
        raise ValueError("must be one line without control characters")
    return value


def _text_only(value: object) -> object:
    """A day is sent as YYYY-MM-DD text, as documented; lax parsing would also read 0 as 1970-01-01."""
    if not isinstance(value, str | dt.date):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


Line = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_one_line)]
Day = Annotated[dt.date, BeforeValidator(_text_only)]
Tag = Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_one_line)]
ARTICLE_ID = r"^[a-z0-9][a-z0-9-]{2,79}$"


class AddToIntent(Strict):
    action: Literal["add_to_intent"]
    intent: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_]+$")
    examples: list[Line] | None = Field(None, min_length=1, max_length=50)


class AddToArticle(Strict):
    action: Literal["add_to_article"]
    article_id: str = Field(pattern=ARTICLE_ID)
    questions: list[Line] | None = Field(None, min_length=1, max_length=50)


class OutOfScope(Strict):
    action: Literal["out_of_scope"]
    examples: list[Line] | None = Field(None, min_length=1, max_length=50)


class Dismiss(Strict):
    action: Literal["dismiss"]


Resolution = Annotated[AddToIntent | AddToArticle | OutOfScope | Dismiss, Field(discriminator="action")]


class ArticleBody(Strict):
    """A whole FAQ article, as in faq/<lang>/<category>.yml; `updated` defaults to today."""

    id: str = Field(pattern=ARTICLE_ID)
    lang: Literal["en", "ko"]
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    title: Line
    questions: list[Line] = Field(min_length=2, max_length=50)
    answer: str = Field(min_length=1, max_length=5000)
    tags: list[Tag] = Field(default_factory=list, max_length=30)
    updated: Day | None = None

    def to_article(self) -> Article:
        return Article(id=self.id, lang=self.lang, category=self.category, title=self.title,
                       questions=tuple(self.questions), answer=self.answer.strip(), tags=tuple(self.tags),
                       updated=(self.updated or dt.date.today()).isoformat())
