"""Misses seen one turn late: the shopper asks the question the bot just answered again, in other
words, or asks for a person right after an answer.  Both are about the earlier question
(contracts.signals.ABOUT_AN_EARLIER_QUESTION), which the miss carries as ``question``.

"Right after an answer" means the turn before this one showed an article and asked "Did this
help?" (it set slot `pending` to ``kb_helpful``; no Yes or No came) or a flow reported that it did
what was asked (a ``bot_result`` signal of ``completed`` among its bot events).  Both are read from
that turn's own events in the tracker: the slot alone outlives the turn (an off-topic message in
between leaves it set).

A rephrase is judged only after an article (a flow's answer has no question to compare with).
The new question is the same one when the knowledge base offers the article just shown again
(as its answer or among its choices: its dense + BM25 fusion reads both as one question), or
when the two questions share most content words (cosine of the KB tokenizer's token counts, so
Kiwi morphemes in Korean, at least REPHRASE_TOKEN_SIMILARITY).  The sentence embedding alone is
not used: the packaged model is English-only and rates unrelated Korean questions 0.75 alike.
On the demo FAQ, "how long does a refund take?" then "when will I get my money back?" (same
article) and "is there a student discount?" then "do students get a discount?" (tokens 1.0) are
rephrases; "how do I request a refund?" after the first (tokens 0.41, another article) is not.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from actions.turn import Turn
from contracts.signals import unwrap

REPHRASE_TOKEN_SIMILARITY = 0.5


def asked_question(turn: Turn) -> str | None:
    """The shopper's last typed message before this one: the question an article answered
    (button taps arrive as `/intent{...}` payloads and are skipped)."""
    users = [e for e in turn.tracker.events if e.get("event") == "user"]
    for event in reversed(users[:-1]):
        text = str(event.get("text") or "").strip()
        if text and not text.startswith("/"):
            return text
    return None


def earlier_intent(turn: Turn) -> str | None:
    """The intent Rasa read in the shopper's previous message (the one the bot answered)."""
    users = [e for e in turn.tracker.events if e.get("event") == "user"]
    if len(users) < 2:
        return None
    name = ((users[-2].get("parse_data") or {}).get("intent") or {}).get("name")
    return str(name) if name else None


def _previous_turn_events(turn: Turn) -> list[dict[str, Any]]:
    """What happened between the shopper's previous message and this one: the bot's last turn."""
    events = turn.tracker.events
    users = [i for i, e in enumerate(events) if e.get("event") == "user"]
    return events[users[-2] + 1:users[-1]] if len(users) >= 2 else []


def article_shown_last_turn(turn: Turn) -> str | None:
    """The article the previous turn answered with and asked "Did this help?" about."""
    asked = any(e.get("event") == "slot" and e.get("name") == "pending" and e.get("value") == "kb_helpful"
                for e in _previous_turn_events(turn))
    shown = turn.tracker.get_slot("kb_shown") or []
    return str(shown[-1]) if asked and shown else None


def answered_last_turn(turn: Turn) -> bool:
    """Whether the previous bot turn was an answer: an article, or a flow that completed."""
    if article_shown_last_turn(turn):
        return True
    for event in (e for e in _previous_turn_events(turn) if e.get("event") == "bot"):
        signal = unwrap((event.get("data") or {}).get("custom"))
        if signal and signal.get("event") == "bot_result" and signal.get("result") == "completed":
            return True
    return False


def token_similarity(tokens: Any, first: str, second: str, lang: str) -> float:
    """Cosine of the two texts' token counts (`tokens`: the KB's Tokenizer)."""
    a, b = Counter(tokens.tokens(first, lang)), Counter(tokens.tokens(second, lang))
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return sum(a[t] * b[t] for t in a) / norm if norm else 0.0


def rephrased_question(turn: Turn, tokens: Any, text: str, offered: list[str]) -> str | None:
    """The earlier question if `text` asks it again right after its article was shown, else None.
    `offered`: the ids of the articles the KB offers for `text` (its answer or its choices)."""
    shown = article_shown_last_turn(turn)
    earlier = asked_question(turn)
    if not shown or not earlier:
        return None
    if shown in offered or token_similarity(tokens, earlier, text, turn.language) >= REPHRASE_TOKEN_SIMILARITY:
        return earlier
    return None
