"""Hard-coded figures in an article that contradict the shop's facts (shop_facts.yml).

Answers state figures through ``{{fact}}`` placeholders; a literal figure is what goes stale when a
policy changes.  Two kinds are refused: a money amount in another currency than the shop's (``$50``,
``10 USD``), and a literal amount or duration in a sentence about a fact (one of the fact's keywords
appears in it) that matches none of the facts of that kind the sentence is about.  Placeholders are
taken out first, so a rendered figure never counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from contracts.fact_text import Value
from contracts.shop_facts import PLACEHOLDER, Fact, ShopFacts

_NUMBER = r"(\d[\d,]*)"
_RANGE = r"(?<![\d,.~–-])" + _NUMBER + r"(?:\s*[–~-]\s*" + _NUMBER + r")?"  # not from inside a number or range
_AMOUNT = r"\d(?:[\d,.]*\d)?"
FOREIGN_MONEY = re.compile(
    rf"[$€£¥]\s?{_AMOUNT}|\b(?:US\$|USD|EUR|GBP|JPY|CNY)\s?{_AMOUNT}|{_AMOUNT}\s?(?:USD|EUR|GBP|JPY|CNY|dollars?|euros?|"
    rf"pounds?)\b|{_AMOUNT}\s?(?:달러|유로|엔화|위안|파운드)", re.I)
# (language, kind) -> the literal figures of that kind; group 1 (and 2 for a range) is the number
LITERALS: dict[tuple[str, str], re.Pattern[str]] = {
    ("en", "money"): re.compile(r"(?:₩|\bKRW\s?)" + _NUMBER + r"|" + _NUMBER + r"\s?(?:won|KRW)\b", re.I),
    ("en", "percent"): re.compile(_RANGE + r"\s?%"),
    ("en", "minutes"): re.compile(_RANGE + r"[\s-]min(?:ute)?s?\b", re.I),
    ("en", "hours"): re.compile(_RANGE + r"[\s-]hours?\b", re.I),
    ("en", "days"): re.compile(_RANGE + r"[\s-](?:calendar[\s-])?days?\b", re.I),
    ("en", "business_days"): re.compile(_RANGE + r"[\s-](?:business|working)[\s-]days?\b", re.I),
    ("en", "weeks"): re.compile(_RANGE + r"[\s-]weeks?\b", re.I),
    ("en", "months"): re.compile(_RANGE + r"[\s-]months?\b", re.I),
    ("en", "years"): re.compile(_RANGE + r"[\s-]years?\b", re.I),
    ("ko", "money"): re.compile(r"₩\s?" + _NUMBER + r"|" + _NUMBER + r"\s?원|(\d+)\s?만\s?원"),
    ("ko", "percent"): re.compile(_RANGE + r"\s?%"),
    ("ko", "minutes"): re.compile(_RANGE + r"\s?분"),
    ("ko", "hours"): re.compile(_RANGE + r"\s?시간"),
    # not "영업일 기준 3~5일" or "1~2일(영업일 기준)" (business days), nor a day of the month ("다음 달 10일")
    ("ko", "days"): re.compile(r"(?<!영업일 기준 )(?<!달 )(?<!매월 )" + _RANGE + r"\s?일(?!\s?\(영업일)"),
    ("ko", "business_days"): re.compile(_RANGE + r"\s?영업일|영업일\s?기준\s?" + _RANGE + r"\s?일|"
                                        + _RANGE + r"\s?일\s?\(영업일\s?기준\)"),
    ("ko", "weeks"): re.compile(_RANGE + r"\s?주(?![문말소])"),
    ("ko", "months"): re.compile(_RANGE + r"\s?개월"),
    ("ko", "years"): re.compile(_RANGE + r"\s?년"),
}
# a sentence ends at . ! ? or ;, a list item or a blank line; a single line break is Markdown's soft wrap
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|;|\n(?=\s*(?:[-*+]|\d+\.)\s)|\n\s*\n")
_EMPHASIS = re.compile(r"[*`]")


@dataclass(frozen=True)
class Contradiction:
    figure: str  # as written in the article
    fact: Fact | None  # the fact it contradicts; None for foreign money in a sentence about no money fact
    problem: str  # what is wrong and what to write instead


def contradictions(text: str, lang: str, facts: ShopFacts) -> Iterator[Contradiction]:
    """Every hard-coded figure in `text` (an article's answer or title) the facts refuse."""
    text = _EMPHASIS.sub("", PLACEHOLDER.sub(" ", text))
    for sentence in _SENTENCE_END.split(text):
        about = _facts_about(sentence, lang, facts)
        for match in FOREIGN_MONEY.finditer(sentence):
            money = _nearest([f for f in about if f.kind == "money"], sentence, lang, match.span())
            yield Contradiction(match.group(0), money, _foreign(match.group(0), money, facts, lang))
        for (literal_lang, kind), pattern in LITERALS.items():
            candidates = [f for f in about if f.kind == kind]
            if literal_lang != lang or not candidates:
                continue
            for match in pattern.finditer(sentence):
                if _value(match) not in {f.value for f in candidates}:
                    fact = _nearest(candidates, sentence, lang, match.span())
                    assert fact is not None  # candidates is not empty
                    yield Contradiction(match.group(0), fact, _differs(match.group(0), fact, facts, lang))


def _facts_about(sentence: str, lang: str, facts: ShopFacts) -> list[Fact]:
    lowered = sentence.lower()
    return [f for f in facts.facts.values() if any(word in lowered for word in f.keywords[lang])]


def _nearest(candidates: list[Fact], sentence: str, lang: str, span: tuple[int, int]) -> Fact | None:
    """The fact whose keyword sits closest to the figure: the one the sentence states with it."""
    lowered = sentence.lower()

    def gap(fact: Fact) -> int:
        return min(max(m.start() - span[1], span[0] - m.end(), 0)
                   for word in fact.keywords[lang] for m in re.finditer(re.escape(word), lowered))

    return min(candidates, key=gap, default=None)


def _foreign(figure: str, money: Fact | None, facts: ShopFacts, lang: str) -> str:
    fix = (f"the fact {money.name} = {facts.text(money.name, lang)} ({facts.source}); write {{{{{money.name}}}}} "
           "instead" if money is not None else f"add the amount to {facts.source} and write its {{{{name}}}}")
    return f"money amount {figure!r} is not in the shop's currency ({facts.currency}): {fix}"


def _differs(figure: str, fact: Fact, facts: ShopFacts, lang: str) -> str:
    return (f"hard-coded figure {figure!r} contradicts the fact {fact.name} = {facts.text(fact.name, lang)} "
            f"({facts.source}); write {{{{{fact.name}}}}} instead of the figure")


def _value(match: re.Match[str]) -> Value:
    numbers = [int(g.replace(",", "")) for g in match.groups() if g]
    if "만" in match.group(0):
        numbers = [n * 10_000 for n in numbers]
    return numbers[0] if len(numbers) == 1 else (numbers[0], numbers[1])
