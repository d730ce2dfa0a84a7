"""The action server: rasa-sdk's app, answering only callers that present Rasa's token.

rasa-sdk's own server runs any action for anyone who can reach it (an action reads orders and
escalates tickets).  Rasa sends ``Authorization: Bearer <token>`` on every action call
(endpoints.yml, gateway/ops/rasa_files.py); this server refuses every request without it
except ``GET /health``, which tells nothing.  No CORS: browsers never call it.

Usage: ``python -m actions.server --port 5055`` with ``SHOPASSIST_ACTIONS_TOKEN`` set.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from rasa_sdk import utils
from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.worker.loader import AppLoader

from contracts.settings import ACTIONS_TOKEN_ENV, MIN_SECRET_CHARS

OPEN_PATHS = frozenset({"/health"})

log = logging.getLogger(__name__)


def authenticated_app() -> Sanic:
    """rasa-sdk's app with every action of this package and the token check in front.
    Module level and argument-free: Sanic's loader builds it again in its worker process."""
    token = os.environ.get(ACTIONS_TOKEN_ENV, "")
    if len(token) < MIN_SECRET_CHARS:
        raise SystemExit(f"{ACTIONS_TOKEN_ENV} is missing or shorter than {MIN_SECRET_CHARS} characters: "
                         "`shopassist run` sets it from var/secrets.env")
    executor = ActionExecutor()
    executor.register_package("actions")
    app = create_app(executor, cors_origins="")
    expected = f"Bearer {token}".encode()

    @app.on_request
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if hmac.compare_digest(request.headers.get("authorization", "").encode(), expected):
            return None
        return response.json({"error": "send Rasa's action token as 'Authorization: Bearer <token>'"},
                             status=401)

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args(argv)
    utils.configure_colored_logging(os.environ.get("LOG_LEVEL", "INFO"))
    utils.update_sanic_log_level()
    loader = AppLoader(factory=authenticated_app)
    app = loader.load()
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    log.info("action server on http://%s:%s (token required)", host, args.port)
    app.prepare(host=host, port=args.port, workers=1)
    Sanic.serve(primary=app, app_loader=loader)


if __name__ == "__main__":
    main()
