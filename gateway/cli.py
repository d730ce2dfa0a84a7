"""`shopassist`: one command line for running, training, indexing and administration.

Settings are read once here and passed down; every subcommand returns an exit code.
"""

from __future__ import annotations

import argparse
import sys

from gateway.settings import Settings, SettingsError, load_settings


def _serve(settings: Settings, _: argparse.Namespace) -> int:
    import torch
    import uvicorn

    from gateway import logs
    from gateway.app import create_app
    from gateway.ops import redis_server

    settings.require_secrets()
    logs.configure(settings.log_level)
    # One query at a time is encoded per request; torch's thread pool only contends with the
    # event loop and the other services (about 10x slower per query here with two threads).
    torch.set_num_threads(1)
    app = create_app(settings, settings.redis_url or redis_server.LOCAL_URL)
    # proxy_headers off: uvicorn would believe X-Forwarded-For from any loopback peer; the app
    # honours it only from SHOPASSIST_TRUSTED_PROXIES (gateway/app.py)
    uvicorn.run(app, host=settings.gateway_host, port=settings.gateway_port, log_config=None,
                access_log=False, proxy_headers=False)
    return 0


def _run(settings: Settings, _: argparse.Namespace) -> int:
    from functools import partial

    from gateway.editor.pipeline import model_to_serve
    from gateway.ops import secrets_file, stack

    if secrets_file.ensure(settings):
        settings = load_settings()
    settings.require_secrets()
    return stack.run(settings, partial(model_to_serve, settings))  # a fresh install records v1 there


def _train(settings: Settings, _: argparse.Namespace) -> int:
    from gateway.ops import training

    try:
        print(training.ensure_model(settings.var_dir / "models", settings.rasa_env, settings.rasa_project_dir))
    except training.TrainingFailed as exc:
        print(f"shopassist: {exc}", file=sys.stderr)
        return 1
    return 0


def _identity_hash(settings: Settings, args: argparse.Namespace) -> int:
    from gateway import identity

    settings.require_secrets()
    print(identity.user_hash(settings.identity_secret.get_secret_value(), args.customer_id))
    return 0


def _with_cli_redis(settings: Settings, use):  # type: ignore[no-untyped-def]
    """Run `use(redis)` once against the Redis that `make run` uses (or the embedded one's file)."""
    import asyncio

    from redis.asyncio import Redis

    from gateway.ops import redis_server

    async def run():  # type: ignore[no-untyped-def]
        redis = Redis.from_url(redis_server.url_for_cli(settings.redis_url, settings.var_dir))
        try:
            return await use(redis)
        finally:
            await redis.aclose()

    return asyncio.run(run())


def _print_new_token(kind: str, name: str, account_id: str, token: str) -> int:
    print(f"{kind} {name} created with id {account_id}.")
    print("Bearer token (shown once; only its hash is stored):")
    print(token)
    return 0


def _agents_add(settings: Settings, args: argparse.Namespace) -> int:
    from handoff import HandoffError, HandoffQueue

    async def add(redis):  # type: ignore[no-untyped-def]
        return await HandoffQueue(redis, settings.key_prefix).agents.add(
            args.name, skills=_csv(args.skills), langs=_csv(args.langs), capacity=args.capacity)

    try:
        agent, token = _with_cli_redis(settings, add)
    except HandoffError as exc:
        print(f"shopassist: {exc}", file=sys.stderr)
        return 1
    return _print_new_token("agent", args.name, agent.id, token)


def _staff_add(settings: Settings, args: argparse.Namespace) -> int:
    from gateway.errors import ApiError
    from gateway.staff import StaffRegistry

    try:
        member, token = _with_cli_redis(
            settings, lambda redis: StaffRegistry(redis, settings.key_prefix).add(args.role, args.name))
    except ApiError as exc:
        print(f"shopassist: {exc.message}", file=sys.stderr)
        return 1
    return _print_new_token(args.role, args.name, member.id, token)


def _report(settings: Settings, args: argparse.Namespace) -> int:
    from pathlib import Path

    from gateway.insights.period import Period
    from gateway.insights.report import build
    from gateway.insights.store import InsightsStore

    try:
        period = Period.parse(args.start, args.end, args.lang, args.segment, settings.insights_max_days)
    except ValueError as exc:
        print(f"shopassist: {exc}", file=sys.stderr)
        return 2
    if not settings.insights_path.exists():
        print(f"shopassist: no insights store at {settings.insights_path}; the gateway creates it", file=sys.stderr)
        return 1
    store = InsightsStore(settings.insights_path)
    try:
        text = build(store, period, args.format)
    finally:
        store.close()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    from gateway.editor import cli as editor_cli
    from gateway.privacy import cli as privacy_cli
    from gateway.proactive import cli as proactive_cli
    from kb_index import cli as kb_cli

    parser = argparse.ArgumentParser(prog="shopassist", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start Redis (if needed), Rasa, the action server and the gateway")
    run.set_defaults(handler=_run)
    sub.add_parser("serve", help="start only the gateway").set_defaults(handler=_serve)
    sub.add_parser("train", help="train the Rasa model if its sources changed").set_defaults(handler=_train)
    identity = sub.add_parser("identity", help="identity verification helpers").add_subparsers(
        dest="identity_command", required=True)
    hash_cmd = identity.add_parser("hash", help="print the user_hash for a customer id")
    hash_cmd.add_argument("customer_id")
    hash_cmd.set_defaults(handler=_identity_hash)
    agents = sub.add_parser("agents", help="support agents").add_subparsers(dest="agents_command", required=True)
    add_agent = agents.add_parser("add", help="create an agent and print its bearer token once")
    add_agent.add_argument("name")
    add_agent.add_argument("--skills", required=True, help="comma-separated, e.g. orders,payments,general")
    add_agent.add_argument("--langs", required=True, help="comma-separated, e.g. en,ko")
    add_agent.add_argument("--capacity", type=int, default=3, help="maximum concurrent chats (default 3)")
    add_agent.set_defaults(handler=_agents_add)
    for role, what in (("editor", "content editors (FAQ, NLU data, deploys)"),
                       ("lead", "support leads (the insights dashboard)"),
                       ("admin", "privacy admins (export and erase customer data)")):
        group = sub.add_parser(f"{role}s", help=what).add_subparsers(dest=f"{role}s_command", required=True)
        add_member = group.add_parser("add", help=f"create a {role} and print its bearer token once")
        add_member.add_argument("name")
        add_member.set_defaults(handler=_staff_add, role=role)
    report = sub.add_parser("report", help="the support dashboard's figures for a period, as CSV or HTML")
    report.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD (UTC)")
    report.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD (UTC), inclusive")
    report.add_argument("--format", choices=("html", "csv"), default="html")
    report.add_argument("--lang", choices=("en", "ko"), help="only conversations in this language")
    report.add_argument("--segment", help="only this segment (new, regular, vip, churn_risk, anonymous, unknown)")
    report.add_argument("--out", help="write to this file instead of stdout")
    report.set_defaults(handler=_report)
    proactive_cli.register(sub, settings)
    privacy_cli.register(sub)
    editor_cli.register(sub)
    kb_cli.register(sub, source_dir=settings.kb_source_dir, index_dir=settings.kb_index_dir,
                    model=settings.embedding_model or None)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"shopassist: {exc}", file=sys.stderr)
        return 2
    args = build_parser(settings).parse_args(argv)
    try:
        if hasattr(args, "handler"):
            return args.handler(settings, args)
        return args.func(args)
    except SettingsError as exc:
        print(f"shopassist: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
