"""A scripted day of support traffic through the real gateway API, with its own counts.

Shoppers (English and Korean; signed-in customers of every segment and anonymous visitors)
ask FAQ questions and answer "Did this help?" (some say No, some ask the same again in other
words), some see a proactive prompt, some ask something off-topic or about an order that is not
theirs (a dead end), some ask for a person (some right after an answer) and leave the queue or
are still waiting at the end; agents claim, reply, resolve or hand back; shoppers rate the
help (CSAT, and NPS when asked); a few send bad input.  Each conversation's outcome is what
the shopper saw last, as gateway/insights/outcomes.py defines it.  Every choice comes from a
seeded random generator, one per shopper, so a reply that differs from one run to the next (a
prompt held out by chance, a cap reached by an earlier test) changes that shopper's path and no
other's; every count the generator prints is what it did or what the API told it, so the support
dashboard and `shopassist report` must show the same numbers.

    .venv/bin/python bench/traffic_day.py --url http://127.0.0.1:8000 --shoppers 120 --seed 7

(reads SHOPASSIST_* settings like `shopassist`, to sign customers and add two agents).
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from contracts.signals import ABOUT_AN_EARLIER_QUESTION
from gateway.identity import user_hash

FAQ = {  # questions the demo FAQ answers (or offers a choice for)
    "en": ["what is your return policy?", "how much does shipping cost?", "which payment methods do you accept?",
           "how do I reset my password?", "what are the membership levels?", "do you ship abroad?"],
    "ko": ["어떤 결제 수단을 쓸 수 있나요?", "회원 등급은 어떻게 되나요?", "무이자 할부 되나요?", "해외 배송 되나요?",
           "환불은 얼마나 걸려요?", "배송비는 얼마예요?"],
}
MISS = {"en": "is there a store in Antarctica?", "ko": "남극에 매장이 있나요?"}  # nothing in the FAQ
OFF_TOPIC = {"en": "what's the weather today?", "ko": "오늘 날씨 어때요?"}
# a question, then the same again in other words (the demo FAQ answers both with one article)
REPHRASED = {"en": ("How do I create an account?", "do I need to sign up to buy?"),
             "ko": ("해외 배송 되나요?", "해외로도 배송해 주나요?")}
HUMAN = {"en": "I want to talk to a human", "ko": "상담원 연결해 주세요"}
NOT_MINE = {"en": "where is my order ORD-199999?", "ko": "주문 ORD-199999 어디쯤 왔나요?"}  # no such order
DEAD_END = ("couldn't find order", "찾을 수 없어요")
OUT_OF_SCOPE = ("I can only help with", "쇼핑 관련")
AGENT_HELLO = {"en": "Hello, I'm here to help.", "ko": "안녕하세요, 도와드릴게요."}
KB_REPLIES = {"answer": ("Did this help?", "도움이 되었나요?"),
              "clarify": ("I found a few articles", "관련된 도움말을 몇 개 찾았어요"),
              "none": ("couldn't find an answer to that", "도움말에서 답을 찾지 못했어요")}
CSAT_ASKED = ("How satisfied are you", "얼마나 만족하셨나요")
NPS_ASKED = ("recommend us to a friend", "추천하실 가능성")
SEGMENT_CUSTOMERS = {  # demo shop customers of each segment (actions/shop/demo_data.py, segment_for)
    "new": ["C0001", "C0006", "C0011", "C0016"], "regular": ["C0002", "C0003", "C0007", "C0008"],
    "vip": ["C0004", "C0009", "C0014", "C0019"], "churn_risk": ["C0005", "C0010", "C0015", "C0020"],
}


@dataclass
class Counts:
    conversations: Counter[str] = field(default_factory=Counter)  # "lang/segment"
    turns: int = 0
    kb: Counter[str] = field(default_factory=Counter)
    handoffs: Counter[str] = field(default_factory=Counter)  # by reason
    claimed: int = 0
    still_waiting: int = 0  # tickets nobody claimed by the end of the day
    agent_replied: int = 0  # tickets the agent wrote on: first-response samples
    outcomes: Counter[str] = field(default_factory=Counter)  # of the tickets
    conversation_outcomes: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # "lang/kind"
    csat: Counter[int] = field(default_factory=Counter)
    nps: list[int] = field(default_factory=list)
    proactive: Counter[str] = field(default_factory=Counter)  # shown, engaged, suppressed
    rejected: Counter[str] = field(default_factory=Counter)  # error code
    surprises: list[str] = field(default_factory=list)  # the API did something the script did not expect

    def to_dict(self) -> dict[str, Any]:
        total = sum(self.conversations.values())
        handed_off = sum(self.handoffs.values())  # one ticket per conversation at most
        return {
            "conversations": total, "by_lang_segment": dict(sorted(self.conversations.items())),
            "turns": self.turns, "kb": dict(self.kb), "handed_off": handed_off,
            "contained": self.conversation_outcomes["bot_resolved"],
            "spoke": total - self.conversation_outcomes["silent"], "handoffs_by_reason": dict(self.handoffs),
            "claimed": self.claimed, "still_waiting": self.still_waiting, "agent_replied": self.agent_replied,
            "ticket_outcomes": dict(self.outcomes),
            "outcomes": dict(self.conversation_outcomes), "failures": dict(sorted(self.failures.items())),
            "csat": {str(s): self.csat[s] for s in range(1, 6)}, "nps": sorted(self.nps),
            "proactive": {**{k: self.proactive[k] for k in ("shown", "engaged", "suppressed")},
                          "suppressed_by_reason": {"holdout": self.proactive["suppressed"]}
                          if self.proactive["suppressed"] else {}},
            "rejected": dict(self.rejected), "surprises": self.surprises,
        }


class Day:
    def __init__(self, client: httpx.Client, *, identity_secret: str, agent_tokens: dict[str, str],
                 ticket_of: Callable[[str], str], seed: int, wait_s: float = 60.0) -> None:
        self.client = client
        self.secret = identity_secret
        self.agents = agent_tokens  # lang -> agent bearer token (skill general)
        self.ticket_of = ticket_of  # conversation id -> its open ticket, as an agent picks it in the console
        self.seed = seed
        self.rng = random.Random(seed)  # the shopper playing now draws from it (see play)
        self.wait_s = wait_s
        self.counts = Counts()
        self.waiting: list[_Conversation] = []  # still in the queue when the day ends

    def leave_the_queue(self) -> None:
        """The shoppers still waiting give up (after the figures are read): the shared queue is left clean."""
        for conversation in self.waiting:
            self._ok(self.client.post(f"/api/v1/conversations/{conversation.id}/leave", headers=conversation.headers))
        self.waiting.clear()

    def play(self, shoppers: int) -> Counts:
        for n in range(shoppers):
            self.consoles_open()
            self.rng = random.Random(f"{self.seed}/{n}")
            self.shopper()
        return self.counts

    def consoles_open(self) -> None:
        """The agents' consoles stay open all day: their presence heartbeat, as the console sends it."""
        for token in self.agents.values():
            self._ok(self.client.put("/api/v1/agent/presence", headers={"Authorization": f"Bearer {token}"},
                                     json={"status": "online"}))

    # ---- one shopper --------------------------------------------------------------------------------

    def shopper(self) -> None:
        rng = self.rng
        lang = rng.choice(("en", "ko"))
        segment = rng.choice(("anonymous", "anonymous", "new", "regular", "vip", "churn_risk"))
        body: dict[str, Any] = {"locale": lang, "page": {"url": "/p/1", "type": rng.choice(("home", "product"))}}
        if segment != "anonymous":
            body["customer_id"] = rng.choice(SEGMENT_CUSTOMERS[segment])
            body["user_hash"] = user_hash(self.secret, body["customer_id"])
        created = self._ok(self.client.post("/api/v1/conversations", json=body))
        conversation = _Conversation(created["conversation_id"], {"Authorization": f"Bearer {created['token']}"},
                                     lang)
        self.counts.conversations[f"{lang}/{segment}"] += 1
        try:
            self.talk(conversation, lang, segment)
        finally:
            self.counts.conversation_outcomes[conversation.outcome] += 1

    def talk(self, conversation: _Conversation, lang: str, segment: str) -> None:
        rng = self.rng
        wants_prompt, leaves_after_prompt = rng.random() < 0.3, rng.random() < 0.5  # drawn whatever is shown
        prompted = wants_prompt and self.proactive(conversation, lang)
        if prompted and leaves_after_prompt:
            if segment != "anonymous":  # the shop reports a segment on the first message; there was none
                self.counts.conversations[f"{lang}/{segment}"] -= 1
                self.counts.conversations[f"{lang}/unknown"] += 1
            return  # saw the prompt and left without a word
        if prompted:
            self.counts.proactive["engaged"] += 1
        said_no = False
        for question in rng.sample(FAQ[lang], rng.choice((1, 2))):
            said_no = self.faq(conversation, question, say_no=rng.random() < 0.2)
            if said_no:
                break  # a "No" ends the questions (a second miss in a row would hand over)
        if not said_no and rng.random() < 0.2:
            self.faq(conversation, MISS[lang])  # one miss in a row: not enough to hand off
        if rng.random() < 0.15:
            self.faq(conversation, OFF_TOPIC[lang])
        if rng.random() < 0.15:
            self.rephrase(conversation)
        if segment != "anonymous" and rng.random() < 0.15:
            self.not_mine(conversation)
        if rng.random() < 0.15:
            self.bad_input(conversation)
        if rng.random() < 0.4:
            if rng.random() < 0.4:  # asks for a person straight after an answer, before "Did this help?"
                self.faq(conversation, FAQ[lang][0], press=False)
            self.handoff(conversation, lang)

    def proactive(self, conversation: _Conversation, lang: str) -> bool:
        """A product-page dwell (rule product_dwell); True when the prompt was shown."""
        visitor = self._ok(self.client.post("/api/v1/visitors", json={"locale": lang}), 201)
        now = time.time()
        events = [{"type": "page_view", "ts": now, "page": {"url": "/p/1", "type": "product"}, "data": {}},
                  {"type": "dwell", "ts": now, "page": {"url": "/p/1", "type": "product"}, "data": {"seconds": 60}}]
        headers = {"Authorization": f"Bearer {visitor['token']}",
                   "X-Conversation-Token": conversation.headers["Authorization"].removeprefix("Bearer ")}
        reply = self._ok(self.client.post("/api/v1/events", headers=headers,
                                          json={"conversation_id": conversation.id, "events": events}))
        if reply.get("prompt") and reply["prompt"]["messages"]:
            self.counts.proactive["shown"] += 1
            return True
        self.counts.proactive["suppressed"] += 1  # the holdout group: the rule matched, nothing is shown
        return False

    def faq(self, conversation: _Conversation, question: str, say_no: bool = False, press: bool = True) -> bool:
        """Ask, and answer "Did this help?" with its button (unless not `press`); True when the shopper said No."""
        reply = self.say(conversation, question)
        texts = " ".join(m["text"] for m in reply["messages"])
        decision = next((d for d, phrases in KB_REPLIES.items() if any(p in texts for p in phrases)), None)
        if decision:
            self.counts.kb[decision] += 1
        if decision == "none":
            self.failed(conversation, "kb_none")
        elif any(p in texts for p in OUT_OF_SCOPE):
            self.failed(conversation, "out_of_scope")
        elif decision == "clarify":
            conversation.outcome = "abandoned_midway"  # offered a choice; the shopper picks none
        elif decision == "answer":
            conversation.outcome = "bot_resolved"
            if not press:
                return False
            helpful = _button(reply, "/deny" if say_no else "/affirm")
            self.say(conversation, helpful)
            if say_no:
                self.failed(conversation, "not_helpful")
                return True
        return False

    def rephrase(self, conversation: _Conversation) -> None:
        """Asks, and instead of answering "Did this help?" asks the same again in other words."""
        first, again = REPHRASED[conversation.lang]
        self.faq(conversation, first, press=False)
        if self._expect(conversation.awaiting_helpful, f"no answer to {first!r}"):
            self.failed(conversation, "rephrased")
            self.faq(conversation, again)

    def not_mine(self, conversation: _Conversation) -> None:
        """A customer asks about an order number that is not theirs: the bot cannot go on."""
        reply = self.say(conversation, NOT_MINE[conversation.lang])
        if self._expect(any(p in m["text"] for m in reply["messages"] for p in DEAD_END),
                        f"no dead end for another's order: {reply['messages']!r:.120}"):
            conversation.outcome = "abandoned_at_dead_end"

    def failed(self, conversation: _Conversation, kind: str) -> None:
        """A miss of `kind` (contracts.signals.MISS_SOURCES); a rephrasing or a request for a person
        leaves the outcome to what the bot does next."""
        self.counts.failures[f"{conversation.lang}/{kind}"] += 1
        if kind == "not_helpful":
            conversation.outcome = "abandoned_after_no"
        elif kind not in ABOUT_AN_EARLIER_QUESTION:
            conversation.outcome = "abandoned_after_miss"

    def bad_input(self, conversation: _Conversation) -> None:
        path = f"/api/v1/conversations/{conversation.id}/messages"
        for body, code in (({"text": "   "}, "invalid"), ({"text": "x" * 2001}, "too_large"),
                           ({"txt": "hi"}, "invalid")):
            response = self.client.post(path, headers=conversation.headers, json=body)
            self._expect(response.status_code in (413, 422) and response.json()["error"]["code"] == code,
                         f"bad input {body!r:.30} got {response.status_code}")
            self.counts.rejected[response.json()["error"]["code"]] += 1

    def handoff(self, conversation: _Conversation, lang: str) -> None:
        rng = self.rng
        after_answer = conversation.awaiting_helpful
        reply = self.say(conversation, HUMAN[lang])
        if not self._expect(reply["mode"] == "queued", f"asked for a person, mode {reply['mode']}"):
            return
        if after_answer:
            self.failed(conversation, "handoff_after_answer")
        self.counts.handoffs["human_requested"] += 1
        conversation.outcome = "open"
        if rng.random() < 0.15:
            self._ok(self.client.post(f"/api/v1/conversations/{conversation.id}/leave", headers=conversation.headers))
            self.counts.outcomes["cancelled"] += 1
            conversation.outcome = "abandoned_waiting"
            return
        if rng.random() < 0.1:
            self.counts.still_waiting += 1
            self.waiting.append(conversation)
            return  # nobody takes it before the day's figures are read: a wait still running
        agent = {"Authorization": f"Bearer {self.agents[lang]}"}
        ticket = self.claim(agent, conversation.id)
        lease = {**agent, "X-Lease-Token": ticket["lease_token"]}
        self.counts.claimed += 1
        self._ok(self.client.post(f"/api/v1/agent/tickets/{ticket['id']}/messages", headers=lease,
                                  json={"text": AGENT_HELLO[lang]}))
        self.counts.agent_replied += 1
        if rng.random() < 0.3:
            self._ok(self.client.post(f"/api/v1/agent/tickets/{ticket['id']}/handback", headers=lease, json={}))
            self.counts.outcomes["handed_back"] += 1
            conversation.mode = "bot"
            conversation.outcome = "agent_resolved"
            return
        self._ok(self.client.post(f"/api/v1/agent/tickets/{ticket['id']}/resolve", headers=lease,
                                  json={"code": "answered"}))
        self.counts.outcomes["resolved"] += 1
        conversation.outcome = "agent_resolved"
        self.feedback(conversation)

    def claim(self, agent: dict[str, str], conversation_id: str) -> dict[str, Any]:
        """This conversation's ticket, by id: other tickets may wait in a shared queue, ahead of it."""
        body = {"ticket_id": self.ticket_of(conversation_id)}
        return self._ok(self.client.post("/api/v1/agent/claim", headers=agent, json=body))["ticket"]

    def feedback(self, conversation: _Conversation) -> None:
        if not self._expect(self.wait_for(conversation, CSAT_ASKED), "no CSAT question after resolve"):
            return
        score = self.rng.choice((1, 2, 3, 4, 4, 5, 5, 5))
        reply = self.say(conversation, str(score))
        self.counts.csat[score] += 1
        if any(p in m["text"] for m in reply["messages"] for p in NPS_ASKED):
            nps = self.rng.randint(0, 10)
            self.say(conversation, str(nps))
            self.counts.nps.append(nps)

    # ---- plumbing -----------------------------------------------------------------------------------

    def say(self, conversation: _Conversation, text: str) -> dict[str, Any]:
        """Send as the widget does: on 503 resend the same client_msg_id after Retry-After (answered once)."""
        body = {"text": text, "client_msg_id": f"m{secrets.token_hex(8)}"}
        path = f"/api/v1/conversations/{conversation.id}/messages"
        for _ in range(3):
            response = self.client.post(path, headers=conversation.headers, json=body)
            if response.status_code != 503:
                break
            time.sleep(float(response.headers.get("Retry-After", "5")))
        reply = self._ok(response)
        self.counts.turns += 1  # the script speaks only while the bot owns the conversation
        if conversation.outcome == "silent":
            conversation.outcome = "abandoned_midway"  # spoke; what the reply did decides the rest
        conversation.mode = reply["mode"]
        conversation.awaiting_helpful = any(p in m["text"] for m in reply["messages"] for p in KB_REPLIES["answer"])
        return reply

    def wait_for(self, conversation: _Conversation, phrases: tuple[str, ...]) -> bool:
        """Poll the transcript until the bot says one of the phrases (the relay resumes it asynchronously)."""
        deadline = time.monotonic() + self.wait_s
        while time.monotonic() < deadline:
            messages = self._ok(self.client.get(f"/api/v1/conversations/{conversation.id}/messages",
                                                headers=conversation.headers))["messages"]
            if any(p in m["text"] for m in messages if m["sender"] == "bot" for p in phrases):
                return True
            time.sleep(0.2)
        return False

    def _ok(self, response: httpx.Response, status: int | None = None) -> Any:
        if response.status_code >= 400 or (status and response.status_code != status):
            raise RuntimeError(f"{response.request.method} {response.request.url.path}: "
                               f"{response.status_code} {response.text[:300]}")
        return response.json()

    def _expect(self, condition: bool, what: str) -> bool:
        if not condition:
            self.counts.surprises.append(what)
        return condition


@dataclass
class _Conversation:
    id: str
    headers: dict[str, str]
    lang: str
    mode: str = "bot"
    outcome: str = "silent"
    awaiting_helpful: bool = False  # the bot's last reply showed an article and asked "Did this help?"


def _button(reply: dict[str, Any], payload_start: str) -> str:
    """The payload of the reply's button that starts so, as the widget sends it when tapped."""
    for message in reply["messages"]:
        for button in message.get("buttons") or []:
            if button["payload"].startswith(payload_start):
                return str(button["payload"])
    raise RuntimeError(f"no {payload_start} button in {reply['messages']!r:.200}")


def tickets_in(redis_url: str, key_prefix: str) -> Callable[[str], str]:
    """Look a conversation's open ticket up in the handoff queue's owners hash (handoff/keys.py)."""
    from redis import Redis

    from handoff import Keys

    owners = Keys(key_prefix).owners

    def ticket_of(conversation_id: str) -> str:
        with Redis.from_url(redis_url) as redis:
            raw = redis.hget(owners, conversation_id)
        if raw is None:
            raise RuntimeError(f"conversation {conversation_id} has no ticket")
        return json.loads(raw)["ticket"]

    return ticket_of


def _agents(settings: Any) -> dict[str, str]:
    import asyncio
    import secrets

    from redis.asyncio import Redis

    from gateway.ops import redis_server
    from handoff import HandoffQueue

    async def add() -> dict[str, str]:
        redis = Redis.from_url(redis_server.url_for_cli(settings.redis_url, settings.var_dir))
        try:
            queue = HandoffQueue(redis, settings.key_prefix)
            tokens = {}
            for lang in ("en", "ko"):
                _, tokens[lang] = await queue.agents.add(f"traffic-{lang}-{secrets.token_hex(3)}",
                                                         skills=["general"], langs=[lang], capacity=50)
            return tokens
        finally:
            await redis.aclose()

    return asyncio.run(add())


def main(argv: list[str] | None = None) -> int:
    from gateway.ops import redis_server
    from gateway.settings import load_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--shoppers", type=int, default=120)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    settings = load_settings()
    started = time.monotonic()
    with httpx.Client(base_url=args.url, timeout=60) as client:
        redis_url = redis_server.url_for_cli(settings.redis_url, settings.var_dir)
        counts = Day(client, identity_secret=settings.identity_secret.get_secret_value(),
                     agent_tokens=_agents(settings), ticket_of=tickets_in(redis_url, settings.key_prefix),
                     seed=args.seed).play(args.shoppers)
    print(json.dumps({**counts.to_dict(), "played_s": round(time.monotonic() - started, 1)}, indent=2))
    return 1 if counts.surprises else 0


if __name__ == "__main__":
    sys.exit(main())
