"""The shop's figures (free-shipping threshold, fees, windows, ...), defined once in shop_facts.yml.

The FAQ answers name them as ``{{free_shipping_threshold}}`` placeholders (rendered when the index
is built), the bot's replies and the demo shop's pages ask for them by name, so no two of them can
state different policies.  The file is validated strictly: every problem is reported at once, each
naming its field; unknown keys are refused.  Standard library and PyYAML only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from contracts.fact_text import CURRENCY_SIGNS, KINDS, RANGE_KINDS, Value, fact_text
from contracts.settings import REPO_ROOT

SHOP_FACTS_FILE = REPO_ROOT / "shop_facts.yml"
LANGS = ("en", "ko")
CURRENCY_PLACEHOLDER = "currency"  # {{currency}}: the file's currency code, in every language
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
_NAME = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class ShopFactsError(ValueError):
    """shop_facts.yml is invalid; `problems` lists (field, problem) pairs, all of them."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(f"{field}: {problem}" for field, problem in problems))


class UnknownFact(KeyError):
    """A placeholder names no fact."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(name)


@dataclass(frozen=True)
class Fact:
    name: str
    kind: str
    value: Value
    keywords: Mapping[str, tuple[str, ...]]  # per language, lower case


@dataclass(frozen=True)
class ShopFacts:
    currency: str
    facts: Mapping[str, Fact]
    source: str = SHOP_FACTS_FILE.name  # where they were read, for messages

    def text(self, name: str, lang: str) -> str:
        """The fact as a shopper reads it in `lang`: "₩50,000", "영업일 기준 3~5일"."""
        if name == CURRENCY_PLACEHOLDER:
            return self.currency
        if name not in self.facts:
            raise UnknownFact(name)
        fact = self.facts[name]
        return fact_text(fact.kind, fact.value, lang, self.currency)

    def at_most(self, name: str) -> int:
        """The fact's number, or a range's upper end (a window's days, a fee's won), for calculations."""
        value = self.facts[name].value
        if isinstance(value, str):
            raise TypeError(f"fact {name} is the time {value!r}, not a number")
        return value[1] if isinstance(value, tuple) else value

    def render(self, template: str, lang: str) -> str:
        """`template` with every {{name}} replaced by the fact's text; UnknownFact for a name not defined."""
        return PLACEHOLDER.sub(lambda match: self.text(match.group(1), lang), template)


def load_shop_facts(path: Path = SHOP_FACTS_FILE) -> ShopFacts:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ShopFactsError(str(path), [("file", f"cannot be read as YAML: {exc}")]) from exc
    return parse_shop_facts(data, str(path))


@functools.cache
def shop_facts() -> ShopFacts:
    """The repository's facts, read on first use (the action server imports modules before any turn)."""
    return load_shop_facts()


def parse_shop_facts(data: Any, source: str) -> ShopFacts:
    problems: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        raise ShopFactsError(source, [("file", "must be a mapping with 'currency' and 'facts'")])
    problems += [(str(key), "unknown key (expected 'currency' and 'facts')")
                 for key in data if key not in ("currency", "facts")]
    currency = data.get("currency")
    if currency not in CURRENCY_SIGNS:
        problems.append(("currency", f"is {currency!r}; supported: {', '.join(CURRENCY_SIGNS)}"))
    raw_facts = data.get("facts")
    facts: dict[str, Fact] = {}
    if not isinstance(raw_facts, dict) or not raw_facts:
        problems.append(("facts", "must be a non-empty mapping of fact name -> {kind, value, keywords}"))
    else:
        for name, raw in raw_facts.items():
            fact = _fact(str(name), raw, problems)
            if fact is not None:
                facts[fact.name] = fact
    if problems:
        raise ShopFactsError(source, problems)
    return ShopFacts(str(currency), facts, source)


def _fact(name: str, raw: Any, problems: list[tuple[str, str]]) -> Fact | None:
    field = f"facts.{name}"
    before = len(problems)
    if not _NAME.match(name) or name == CURRENCY_PLACEHOLDER:
        problems.append((field, "name must be 2-60 chars of a-z, 0-9 and '_' (and not 'currency')"))
    if not isinstance(raw, dict):
        problems.append((field, "must be a mapping with kind, value and keywords"))
        return None
    problems += [(f"{field}.{key}", "unknown key (expected kind, value, keywords)")
                 for key in raw if key not in ("kind", "value", "keywords")]
    problems += [(f"{field}.{key}", "missing") for key in ("kind", "value", "keywords") if key not in raw]
    kind = raw.get("kind")
    if "kind" in raw and kind not in KINDS:
        problems.append((f"{field}.kind", f"is {kind!r}; one of {', '.join(KINDS)}"))
    value = _value(str(kind), raw["value"], f"{field}.value", problems) if kind in KINDS and "value" in raw else None
    keywords = _keywords(raw.get("keywords"), f"{field}.keywords", problems) if "keywords" in raw else {}
    if len(problems) > before or value is None:
        return None
    return Fact(name, str(kind), value, keywords)


def _value(kind: str, raw: Any, field: str, problems: list[tuple[str, str]]) -> Value | None:
    if kind == "clock":
        if isinstance(raw, str) and _CLOCK.match(raw):
            return raw
        problems.append((field, f"must be a quoted time \"HH:MM\" (got {raw!r}; unquoted YAML reads 14:00 as 840)"))
        return None
    if _whole(raw):
        return int(raw)
    if kind in RANGE_KINDS and isinstance(raw, list) and len(raw) == 2 and all(map(_whole, raw)) and raw[0] < raw[1]:
        return int(raw[0]), int(raw[1])
    shape = "a whole number ≥ 0 or a range [low, high]" if kind in RANGE_KINDS else "a whole number ≥ 0"
    problems.append((field, f"must be {shape} for kind {kind} (got {raw!r})"))
    return None


def _whole(raw: Any) -> bool:
    return isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0


def _keywords(raw: Any, field: str, problems: list[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        problems.append((field, f"must map each language ({', '.join(LANGS)}) to a list of words"))
        return {}
    problems += [(f"{field}.{lang}", "unknown language") for lang in raw if lang not in LANGS]
    keywords: dict[str, tuple[str, ...]] = {}
    for lang in LANGS:
        words = raw.get(lang)
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            problems.append((f"{field}.{lang}", "must be a non-empty list of words"))
            continue
        keywords[lang] = tuple(w.strip().lower() for w in words)
    return keywords
