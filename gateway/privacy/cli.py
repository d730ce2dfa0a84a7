"""`shopassist privacy export|erase CUSTOMER_ID`: the admin API's requests from the command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from gateway.settings import Settings


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from gateway.errors import ApiError

    try:
        result = asyncio.run(_request(settings, args.privacy_command, args.customer_id))
    except ApiError as exc:
        print(f"shopassist: {exc.message}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


async def _request(settings: Settings, command: str, customer_id: str) -> dict[str, Any]:
    from redis.asyncio import Redis

    from gateway.insights.store import InsightsStore
    from gateway.ops import redis_server
    from gateway.privacy.requests import privacy_requests
    from handoff import HandoffQueue

    redis = Redis.from_url(redis_server.url_for_cli(settings.redis_url, settings.var_dir))
    store = await asyncio.to_thread(InsightsStore, settings.insights_path)
    try:
        requests = privacy_requests(redis, settings.key_prefix, HandoffQueue(redis, settings.key_prefix), store,
                                    settings.identity_secret.get_secret_value())
        if command == "export":
            return await requests.exporter.export(customer_id)
        return (await requests.eraser.erase(customer_id)).to_api()
    finally:
        store.close()
        await redis.aclose()


def register(sub: Any) -> None:
    group = sub.add_parser("privacy", help="export or erase a customer's data (docs/privacy.md)")
    commands = group.add_subparsers(dest="privacy_command", required=True)
    for name, what in (("export", "print everything held about a customer as JSON"),
                       ("erase", "erase everything held about a customer")):
        command = commands.add_parser(name, help=what)
        command.add_argument("customer_id")
        command.set_defaults(handler=_run)
