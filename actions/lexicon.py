"""Anger and strong frustration in English and Korean, from words and typography.

A lexicon, not a model: cheap, explainable to agents ("matched: 'ridiculous', !!!"),
and good enough to decide "get a human now".  Each message gets a score; words weigh
most, and shouting (capitals, repeated !/?) only tips a message that already sounds
annoyed, so "WHERE IS ORD-100123?" alone is not anger.  Precision on our labelled
examples is measured in tests/actions/test_anger_lexicon.py and reported in docs/conversation.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ANGER_THRESHOLD = 2.0

# strong words count 2, milder frustration 1
_EN_STRONG = (
    "unacceptable", "ridiculous", "outrageous", "furious", "disgusting", "pathetic", "useless", "worst",
    "scam", "rip-off", "ripoff", "fed up", "sick of", "joke of a", "incompetent", "never again", "sue you",
    "lawyer", "wtf", "what the hell", "damn", "crap", "shit", "fuck", "horrible service", "terrible service",
)
_EN_MILD = (
    "angry", "annoyed", "frustrated", "frustrating", "disappointed", "terrible", "awful", "still waiting",
    "again", "third time", "how many times", "waste of", "nobody", "no one", "unbelievable", "seriously",
    "hate", "stupid", "rude", "ignored",
)
_KO_STRONG = (
    "어이없", "어이가 없", "짜증나", "짜증 나", "빡치", "열받", "화나", "화가 나", "최악", "사기", "장난하",
    "미쳤", "개판", "엉망", "신고할", "소비자원", "고소", "환장", "씨발", "시발", "ㅅㅂ", "젠장",
    "말이 됩니까", "말이 돼요", "말도 안",
)
_KO_MILD = (
    "짜증", "실망", "답답", "불친절", "황당", "또요", "몇 번", "몇번", "언제까지", "아직도", "도대체", "대체",
    "왜 이래", "너무하", "기다리다 지쳐", "별로",
)
_SHOUT = re.compile(r"[!?？！]{2,}")
_CAPS_WORD = re.compile(r"\b[A-Z]{3,}\b")
_ORDER_LIKE = re.compile(r"\b[A-Z]{2,4}-?\d+\b")


@dataclass(frozen=True)
class Anger:
    score: float
    matched: tuple[str, ...]

    @property
    def angry(self) -> bool:
        return self.score >= ANGER_THRESHOLD


def _english(words: tuple[str, ...]) -> re.Pattern[str]:
    # whole words only: "hell" must not fire inside "hello"
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")


_LISTS = ((2.0, _english(_EN_STRONG), _KO_STRONG), (1.0, _english(_EN_MILD), _KO_MILD))


def score(text: str) -> Anger:
    lowered = text.lower()
    matched: list[str] = []
    total = 0.0
    for weight, english, korean in _LISTS:
        found = english.findall(lowered) + [w for w in korean if w in lowered]
        for word in dict.fromkeys(found):
            if not any(word in m for m in matched):
                matched.append(word)
                total += weight
    if total > 0:
        if _SHOUT.search(text):
            matched.append("!!")
            total += 1.0
        letters = [c for c in _ORDER_LIKE.sub("", text) if c.isascii() and c.isalpha()]
        caps = _CAPS_WORD.findall(_ORDER_LIKE.sub("", text))
        if len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.6 or len(caps) >= 2:
            matched.append("CAPS")
            total += 1.0
        if "ㅡㅡ" in text or "-_-" in text:
            matched.append("ㅡㅡ")
            total += 1.0
    return Anger(total, tuple(matched))
