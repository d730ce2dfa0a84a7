"""A scripted day of support traffic through the real gateway API, with its own counts.

Shoppers (English and Korean; signed-in customers of every segment and anonymous visitors)
ask FAQ questions, some see a proactive prompt, some ask for a person; agents claim, reply,
resolve or hand back; shoppers rate the help (CSAT, and NPS when asked); a few send bad
input.  Every choice comes from one seeded random generator, and every count the generator
prints is what it did or what the API told it, so the support dashboard and
`shopassist report` must show the same numbers.

    .venv/bin/python bench/traffic_day.py --url http://127.0.0.1:8000 --shoppers 120 --seed 7

(reads SHOPASSIST_* settings like `shopassist`, to sign customers and add two agents).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from gateway.identity import user_hash

FAQ = {  # questions the demo FAQ answers (or offers a choice for)
    "en": ["what is your return policy?", "how much does shipping cost?", "which payment methods do you accept?",
           "how do I reset my password?", "what are the membership levels?", "do you ship abroad?"],
    "ko": ["어떤 결제 수단을 쓸 수 있나요?", "회원 등급은 어떻게 되나요?", "무이자 할부 되나요?", "해외 배송 되나요?",
           "환불은 얼마나 걸려요?", "배송비는 얼마예요?"],
}
MISS = {"en": "is there a store in Antarctica?", "ko": "남극에 매장이 있나요?"}  # nothing in the FAQ
HUMAN = {"en": "I want to talk to a human", "ko": "상담원 연결해 주세요"}
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
    agent_replied: int = 0  # tickets closed after the agent wrote: first-response samples
    outcomes: Counter[str] = field(default_factory=Counter)
    csat: Counter[int] = field(default_factory=Counter)
    nps: list[int] = field(default_factory=list)
    proactive: Counter[str] = field(default_factory=Counter)  # shown, engaged, suppressed
    rejected: Counter[str] = field(default_factory=Counter)  # error code
    surprises: list[str] = field(default_factory=list)  # the API did something the script did not expect

    def to_dict(self) -> dict[str, Any]:
        total = sum(self.conversations.values())
        handed_off = sum(self.outcomes.values())  # every ticket the script opens ends in an outcome
        return {
            "conversations": total, "by_lang_segment": dict(sorted(self.conversations.items())),
            "turns": self.turns, "kb": dict(self.kb), "handed_off": handed_off,
            "contained": total - handed_off, "handoffs_by_reason": dict(self.handoffs),
            "claimed": self.claimed, "agent_replied": self.agent_replied, "outcomes": dict(self.outcomes),
            "csat": {str(s): self.csat[s] for s in range(1, 6)}, "nps": sorted(self.nps),
            "proactive": {k: self.proactive[k] for k in ("shown", "engaged", "suppressed")},
            "rejected": dict(self.rejected), "surprises": self.surprises,
        }


class Day:
    def __init__(self, client: httpx.Client, *, identity_secret: str, agent_tokens: dict[str, str],
                 ticket_of: Callable[[str], str], seed: int, wait_s: float = 60.0) -> None:
        self.client = client
        self.secret = identity_secret
        self.agents = agent_tokens  # lang -> agent bearer token (skill general)
        self.ticket_of = ticket_of  # conversation id -> its open ticket, as an agent picks it in the console
        self.rng = random.Random(seed)
        self.wait_s = wait_s
        self.counts = Counts()

    def play(self, shoppers: int) -> Counts:
        for _ in range(shoppers):
            self.consoles_open()
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
        conversation = _Conversation(created["conversation_id"], {"Authorization": f"Bearer {created['token']}"})
        self.counts.conversations[f"{lang}/{segment}"] += 1
        prompted = rng.random() < 0.3 and self.proactive(conversation, lang)
        if prompted and rng.random() < 0.5:
            if segment != "anonymous":  # the shop reports a segment on the first message; there was none
                self.counts.conversations[f"{lang}/{segment}"] -= 1
                self.counts.conversations[f"{lang}/unknown"] += 1
            return  # saw the prompt and left without a word
        if prompted:
            self.counts.proactive["engaged"] += 1
        for question in rng.sample(FAQ[lang], rng.choice((1, 2))):
            self.faq(conversation, question)
        if rng.random() < 0.2:
            self.faq(conversation, MISS[lang])  # one miss in a row: not enough to hand off
        if rng.random() < 0.15:
            self.bad_input(conversation)
        if rng.random() < 0.4:
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

    def faq(self, conversation: _Conversation, question: str) -> None:
        reply = self.say(conversation, question)
        texts = " ".join(m["text"] for m in reply["messages"])
        for decision, phrases in KB_REPLIES.items():
            if any(p in texts for p in phrases):
                self.counts.kb[decision] += 1

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
        reply = self.say(conversation, HUMAN[lang])
        if not self._expect(reply["mode"] == "queued", f"asked for a person, mode {reply['mode']}"):
            return
        self.counts.handoffs["human_requested"] += 1
        if rng.random() < 0.15:
            self._ok(self.client.post(f"/api/v1/conversations/{conversation.id}/leave", headers=conversation.headers))
            self.counts.outcomes["cancelled"] += 1
            return
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
            return
        self._ok(self.client.post(f"/api/v1/agent/tickets/{ticket['id']}/resolve", headers=lease,
                                  json={"code": "answered"}))
        self.counts.outcomes["resolved"] += 1
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
        body = {"text": text, "client_msg_id": f"m{self.rng.getrandbits(64):x}"}
        path = f"/api/v1/conversations/{conversation.id}/messages"
        for _ in range(3):
            response = self.client.post(path, headers=conversation.headers, json=body)
            if response.status_code != 503:
                break
            time.sleep(float(response.headers.get("Retry-After", "5")))
        reply = self._ok(response)
        self.counts.turns += 1  # the script speaks only while the bot owns the conversation
        conversation.mode = reply["mode"]
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
    mode: str = "bot"


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
