"""`shopassist nlu test | deploy | rollback`: the editor pipeline from the command line.

The same Pipeline as the API's jobs, with the same Redis lock, so a CLI deploy and an API
deploy never overlap.  Progress goes to stdout; a refusal exits 1 with the reason.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from gateway.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    nlu = sub.add_parser("nlu", help="NLU evaluation").add_subparsers(dest="nlu_command", required=True)
    test = nlu.add_parser("test", help="held-out test (or K-fold cross-validation); report under var/reports/")
    test.add_argument("--folds", type=int, choices=range(2, 11), metavar="K", help="cross-validate over K folds")
    test.set_defaults(handler=_nlu_test)
    deploy = sub.add_parser("deploy", help="train/test if needed, pass the gate, hot-swap the model and KB index")
    deploy.add_argument("--force", action="store_true", help="deploy even if the gate refuses (needs --reason)")
    deploy.add_argument("--reason", help="why the gate is overridden (recorded with the version)")
    deploy.add_argument("--summary", help="what changed, recorded with the version")
    deploy.set_defaults(handler=_deploy)
    rollback = sub.add_parser("rollback", help="make an earlier version live again (default: the previous one)")
    rollback.add_argument("version", nargs="?", help="a version id such as v3")
    rollback.set_defaults(handler=_rollback)


def _say(message: str) -> None:
    print(f"[editor] {message}", flush=True)


def _actor() -> dict[str, str]:
    return {"id": "cli", "name": getpass.getuser(), "role": "cli"}


def _nlu_test(settings: Settings, args: argparse.Namespace) -> int:
    from gateway.editor import nlu_test

    report = _guarded(lambda: asyncio.run(asyncio.to_thread(
        nlu_test.ensure_report, settings.rasa_project_dir, settings.var_dir / "reports", settings.rasa_env, _say,
        args.folds)))
    if report is None:
        return 1
    for intent, row in report["per_intent"].items():
        print(f"  {intent:24} P {row['precision']:.2f}  R {row['recall']:.2f}  F1 {row['f1']:.2f}  n {row['support']}")
    print(f"  {report.get('misclassified_total', len(report['misclassified']))} misclassified; "
          f"{nlu_test.summary(report)}")
    return 0


def _deploy(settings: Settings, args: argparse.Namespace) -> int:
    from gateway.editor.pipeline import DeployRequest

    request = DeployRequest(args.force, args.reason, args.summary)
    version = _guarded(lambda: _with_pipeline(settings, lambda p: p.deploy(request, _actor(), _say), "deploy"))
    return 0 if version else 1


def _rollback(settings: Settings, args: argparse.Namespace) -> int:
    version = _guarded(lambda: _with_pipeline(
        settings, lambda p: p.rollback(args.version, _actor(), _say), "rollback"))
    return 0 if version else 1


def _with_pipeline(settings: Settings, work: Callable[[Any], Awaitable[Any]], what: str) -> Any:
    import httpx
    from redis.asyncio import Redis

    from gateway.editor.pipeline import Pipeline
    from gateway.ops import redis_server

    settings.require_secrets()

    async def run() -> Any:
        redis = Redis.from_url(redis_server.url_for_cli(settings.redis_url, settings.var_dir))
        try:
            async with httpx.AsyncClient() as http:
                pipeline = Pipeline(settings, redis, http)
                async with pipeline.locked(f"{what} from the command line ({getpass.getuser()})"):
                    return await work(pipeline)
        finally:
            await redis.aclose()

    return asyncio.run(run())


def _guarded(action: Callable[[], Any]) -> Any:
    """Run `action`; print an expected refusal or failure as one line instead of a traceback."""
    from gateway.editor.nlu_test import NluTestFailed
    from gateway.editor.pipeline import GateRefused
    from gateway.editor.rasa_model import ModelSwapFailed
    from gateway.errors import ApiError
    from gateway.ops.training import TrainingFailed
    from kb_index import KbError

    try:
        return action()
    except ApiError as exc:
        print(f"shopassist: {exc.message}", file=sys.stderr)
    except (GateRefused, TrainingFailed, NluTestFailed, ModelSwapFailed, KbError, OSError) as exc:
        print(f"shopassist: {exc}", file=sys.stderr)
    return None
