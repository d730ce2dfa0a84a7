"""`shopassist proactive check|report`: validate the rules file, print the per-rule report."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path

from gateway.settings import Settings


def register(sub: argparse._SubParsersAction, settings: Settings) -> None:
    proactive = sub.add_parser("proactive", help="proactive prompts").add_subparsers(
        dest="proactive_command", required=True)
    check = proactive.add_parser("check", help="validate a rules file (default: the configured one)")
    check.add_argument("path", nargs="?", type=Path, default=settings.proactive_rules_path)
    check.set_defaults(handler=_check)
    report = proactive.add_parser("report", help="per rule: shown, engaged, holdout, checkout/order and lift")
    report.add_argument("--from", dest="start", type=dt.date.fromisoformat, help="first day (YYYY-MM-DD, UTC)")
    report.add_argument("--to", dest="end", type=dt.date.fromisoformat, help="last day (default: today)")
    report.set_defaults(handler=_report)


def _check(_: Settings, args: argparse.Namespace) -> int:
    from gateway.proactive.rules import RulesError, load

    try:
        rules = load(args.path)
    except RulesError as exc:
        print(f"shopassist: {exc}", file=sys.stderr)
        return 1
    for rule in rules.rules:
        print(f"{rule.id}: priority {rule.priority}, events {', '.join(sorted(rule.when.events))}, "
              f"cooldown {rule.cooldown_s:g}s -> {rule.intent} {rule.entities}")
    return 0


def _report(settings: Settings, args: argparse.Namespace) -> int:
    from redis.asyncio import Redis

    from contracts.keys import ProactiveKeys, RedisKeys
    from gateway.conversations import ConversationStore
    from gateway.ops import redis_server
    from gateway.proactive import measure
    from gateway.proactive.rules import load

    end = args.end or dt.datetime.now(dt.UTC).date()
    start = args.start or end - dt.timedelta(days=6)
    rule_ids = [rule.id for rule in load(settings.proactive_rules_path).rules]

    async def run() -> list[measure.RuleReport]:
        redis = Redis.from_url(redis_server.url_for_cli(settings.redis_url, settings.var_dir))
        try:
            store = ConversationStore(redis, RedisKeys(settings.key_prefix),
                                      ttl_s=settings.conversation_ttl_days * 86400)
            return await measure.report(redis, ProactiveKeys(settings.key_prefix), store, rule_ids,
                                        measure.days(start, end))
        finally:
            await redis.aclose()

    print(measure.as_json(asyncio.run(run())))
    return 0
