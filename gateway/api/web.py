"""The web front ends (widget, agent console, editor, insights dashboard, demo shop) and the headers protecting them.

Static files are served from `web/`; `web/shared/` holds the modules the staff pages share (one
date and number format).  Every response gets a strict Content-Security-Policy
(no inline script or style, no plugins, no framing), so even a message that slipped past
the front ends' text-only rendering could not run script.  Cross-origin API calls are
allowed only from the shops listed in SHOPASSIST_CORS_ORIGINS.  The demo shop's pages state the
shop's figures as ``{{fact}}`` placeholders, filled in from shop_facts.yml as they are served.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import anyio
from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import Scope

from contracts.shop_facts import LANGS, PLACEHOLDER, ShopFacts, UnknownFact, load_shop_facts
from gateway.settings import REPO_ROOT, Settings

WEB_DIR = REPO_ROOT / "web"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Swagger UI loads its script and style from a CDN; it shows no user content.
_DOCS_PATHS = ("/docs", "/redoc", "/openapi.json")
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
_PAGE_LANG = re.compile(r"<html[^>]*\blang=\"([a-z]{2})\"", re.I)


def fill_facts(page: str, facts: ShopFacts) -> str:
    """The page with its {{fact}} placeholders in its own language (<html lang>: web/demo/ko.html is Korean)."""
    found = _PAGE_LANG.search(page)
    lang = found.group(1).lower() if found and found.group(1).lower() in LANGS else "en"
    return PLACEHOLDER.sub(lambda match: html.escape(facts.text(match.group(1), lang)), page)


class FactPages(StaticFiles):
    """Static files whose HTML pages get the shop's figures filled in as they are served."""

    def __init__(self, directory: Path, facts: ShopFacts) -> None:
        super().__init__(directory=directory, html=True)
        self.facts = facts
        for page in sorted(directory.glob("*.html")):  # a typo in a placeholder fails start-up, not a shopper
            try:
                fill_facts(page.read_text(encoding="utf-8"), facts)
            except UnknownFact as exc:
                problem = f"{page}: unknown placeholder {{{{{exc.name}}}}}: {facts.source} has no such fact"
                raise ValueError(problem) from None

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if isinstance(response, FileResponse) and str(response.path).endswith(".html"):
            page = await anyio.Path(response.path).read_text(encoding="utf-8")
            return HTMLResponse(fill_facts(page, self.facts), status_code=response.status_code)
        return response


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the front ends and add the security middleware (CORS outermost)."""
    for name in ("widget", "agent", "editor", "insights", "shared"):
        app.mount(f"/{name}", StaticFiles(directory=WEB_DIR / name, html=True), name=name)
    app.mount("/demo", FactPages(WEB_DIR / "demo", load_shop_facts()), name="demo")

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/demo/")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        if not request.url.path.startswith(_DOCS_PATHS):
            response.headers.setdefault("Content-Security-Policy", CSP)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.add_middleware(
        CORSMiddleware, allow_origins=list(settings.cors_origins), allow_credentials=False,
        allow_methods=["GET", "POST"], max_age=600,
        allow_headers=["Authorization", "Content-Type", "X-Conversation-Token"],
    )
