"""The web front ends (widget, agent console, editor page, demo shop) and the headers that protect them.

Static files are served from `web/`.  Every response gets a strict Content-Security-Policy
(no inline script or style, no plugins, no framing), so even a message that slipped past
the front ends' text-only rendering could not run script.  Cross-origin API calls are
allowed only from the shops listed in SHOPASSIST_CORS_ORIGINS.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

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


def install(app: FastAPI, settings: Settings) -> None:
    """Mount the front ends and add the security middleware (CORS outermost)."""
    for name in ("widget", "agent", "editor", "insights", "demo"):
        app.mount(f"/{name}", StaticFiles(directory=WEB_DIR / name, html=True), name=name)

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
