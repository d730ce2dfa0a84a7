"""FAQ answers from the knowledge base, following its decision.

answer  -> the article and "Did this help?"; a "no" is a miss and offers the runner-up
           articles or a person;
clarify -> the candidate articles as buttons;
none    -> an apology, a miss, and the offer of a person.
"""

from __future__ import annotations

import asyncio
import re
import time

from actions import buttons, pending, runtime
from actions.after_answer import article_shown_last_turn, asked_question, rephrased_question
from actions.base import ShopAction
from actions.turn import Turn

ALTERNATIVES = 2
ASK_PERSON = ("Would you like to talk to a person?", "상담원과 이야기해 보시겠어요?")
_ORDINALS = (("first", "첫"), ("second", "두"), ("third", "세"), ("last", "마지막"))


def _article_buttons(turn: Turn, hits: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [buttons.intent_button(title, "choose_article", n) for n, (_, title) in enumerate(hits, start=1)]


async def answer_question(turn: Turn, text: str, category: str | None = None) -> None:
    kb = await runtime.knowledge_base()
    started = time.perf_counter()
    result = await asyncio.to_thread(kb.search, text, turn.language, category)
    turn.signal("kb_question", lang=turn.language, decision=result.decision, category=category,
                article_id=result.results[0].id if result.decision == "answer" else None,
                title=result.results[0].title if result.decision == "answer" else None,
                search_ms=(time.perf_counter() - started) * 1000)
    if result.decision == "answer":
        hit = result.results[0]
        others = [h.id for h in result.ranked if h.id != hit.id][:ALTERNATIVES]
        show_article(turn, hit.id, hit.answer, others)
    elif result.decision == "clarify":
        turn.missed = False
        turn.set("kb_choices", [h.id for h in result.results])
        turn.set("pending", "kb_choice")
        turn.say("I found a few articles that might match. Which one do you mean?",
                 "관련된 도움말을 몇 개 찾았어요. 어떤 내용이 궁금하신가요?",
                 buttons=_article_buttons(turn, [(h.id, h.title) for h in result.results]))
    else:
        turn.missed = True
        turn.record_miss("kb_none", intent=turn.intent, confidence=round(turn.confidence, 4),
                         kb_candidates=[_candidate(h.id, h.title, h.score) for h in result.ranked[:3]])
        turn.offer_human(("Sorry, I couldn't find an answer to that in our help articles.",
                          "죄송해요, 도움말에서 답을 찾지 못했어요."), ASK_PERSON, buttons.yes_no(turn))
    # after kb_none above, which then keeps its source (one miss per turn)
    offered = [h.id for h in result.results] if result.decision in ("answer", "clarify") else []
    earlier = rephrased_question(turn, kb.tokenizer, text, offered)
    if earlier:
        shown = kb.get(article_shown_last_turn(turn) or "")
        turn.record_miss("rephrased", intent=turn.intent, confidence=round(turn.confidence, 4), question=earlier,
                         kb_candidates=[_candidate(shown.id, shown.title, None)] if shown else [])


def _candidate(article_id: str, title: str, score: float | None) -> dict[str, object]:
    return {"id": article_id, "title": title, "score": None if score is None else round(float(score), 4)}


def show_article(turn: Turn, article_id: str, answer: str, alternatives: list[str]) -> None:
    turn.missed = False
    turn.set("kb_shown", [*(turn.slot("kb_shown") or []), article_id][-20:])
    turn.set("kb_choices", alternatives)
    turn.set("pending", "kb_helpful")
    turn.say(answer.strip(), answer.strip())
    turn.say("Did this help?", "도움이 되었나요?", buttons=buttons.helpful(turn))


class ActionAnswerFaq(ShopAction):
    action_name = "action_answer_faq"
    handles = ("faq",)

    async def handle(self, turn: Turn) -> None:
        await answer_question(turn, turn.text)


def chosen_index(turn: Turn) -> int | None:
    raw = turn.entity("choice")
    if raw and raw.isdigit():
        return int(raw) - 1
    digits = re.findall(r"\d+", turn.text)
    if digits:
        return int(digits[0]) - 1
    lowered = turn.text.lower()
    for index, words in enumerate(_ORDINALS):
        if any(w in lowered for w in words):
            return -1 if index == len(_ORDINALS) - 1 else index
    return None


class ActionChooseArticle(ShopAction):
    action_name = "action_choose_article"
    handles = ("choose_article",)

    async def handle(self, turn: Turn) -> None:
        choices = list(turn.slot("kb_choices") or [])
        index = chosen_index(turn)
        if not choices or index is None or not -len(choices) <= index < len(choices):
            turn.missed = True
            turn.say("Sorry, which article did you mean? You can also just ask your question again.",
                     "죄송해요, 어떤 도움말을 말씀하시는 건가요? 질문을 다시 입력하셔도 돼요.")
            return
        kb = await runtime.knowledge_base()
        article = kb.get(choices[index])
        if article is None:
            turn.missed = True
            turn.say("Sorry, that article is no longer available.", "죄송해요, 그 도움말은 더 이상 없어요.")
            return
        show_article(turn, article.id, article.answer, [c for c in choices if c != article.id][:ALTERNATIVES])


async def _helped(turn: Turn, _: str) -> None:
    turn.missed = False
    turn.achieved("confirmed")
    turn.say("Great, glad I could help! Anything else?", "도움이 되었다니 다행이에요! 더 궁금한 점이 "
                                                         "있으신가요?")


async def _not_helped(turn: Turn, _: str) -> None:
    """A "no" is a miss; offer the runner-up articles, and a person."""
    turn.missed = True
    kb = await runtime.knowledge_base()
    shown = [a for a in (kb.get(i) for i in (turn.slot("kb_shown") or [])[-1:]) if a]
    turn.record_miss("not_helpful", intent="faq", confidence=None, question=asked_question(turn),
                     kb_candidates=[_candidate(a.id, a.title, None) for a in shown])
    alternatives = [(a.id, a.title) for a in (kb.get(i) for i in turn.slot("kb_choices") or []) if a]
    turn.set("kb_choices", [i for i, _ in alternatives])
    turn.set("pending", "kb_choice")
    turn.say("Sorry about that. Is it one of these, or would you like to talk to a person?",
             "도움이 되지 못해 죄송해요. 혹시 아래 내용인가요? 아니면 상담원을 연결해 드릴까요?",
             buttons=[*_article_buttons(turn, alternatives), buttons.human(turn)])


pending.follow_up("kb_helpful", _helped, _not_helped)


async def _choice_no(turn: Turn, _: str) -> None:
    turn.missed = True
    turn.offer_human(("Sorry I couldn't find the right answer.", "원하시는 답을 찾지 못해 죄송해요."), ASK_PERSON,
                     buttons.yes_no(turn))


async def _choice_yes(turn: Turn, _: str) -> None:
    turn.say("Which one? Tap one of the articles above, or ask your question again.",
             "어떤 내용인가요? 위의 도움말을 누르시거나 질문을 다시 입력해 주세요.")


pending.follow_up("kb_choice", _choice_yes, _choice_no)
