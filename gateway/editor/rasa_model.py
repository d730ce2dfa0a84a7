"""Replacing the model of the running Rasa server through its authenticated HTTP API.

`PUT /model {"model_file": path}` makes Rasa load the new model next to the old one and
switch its agent reference when loading is done; requests arriving meanwhile are served by
the old agent (or wait for the loop), and trackers live in Redis, so conversations carry on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

LOAD_TIMEOUT_S = 120.0
STATUS_TIMEOUT_S = 15.0
STATUS_ATTEMPTS = 3


class ModelSwapFailed(Exception):
    pass


class RasaModels:
    def __init__(self, http: httpx.AsyncClient, rasa_url: str, token: str) -> None:
        self._http = http
        self._url = rasa_url
        self._token = token

    async def status(self) -> dict[str, Any]:
        response = await self._request("GET", "/status", timeout=5.0)
        return response.json()

    async def serves(self, model_file: Path) -> bool:
        """Whether Rasa answers that it has this model loaded (False if it does not answer)."""
        try:
            return Path((await self.status()).get("model_file") or "").name == Path(model_file).name
        except ModelSwapFailed:
            return False

    async def replace(self, model_file: Path) -> dict[str, Any]:
        """Load `model_file` (a path Rasa can read: same machine) and return Rasa's status after.

        Right after a load Rasa works through the turns that queued up while it loaded, so
        the status check waits for an answer a little longer than a health check would."""
        path = str(Path(model_file).resolve())
        await self._request("PUT", "/model", json={"model_file": path}, timeout=LOAD_TIMEOUT_S)
        status = await self._status_after_load()
        if Path(status.get("model_file") or "").name != Path(path).name:
            raise ModelSwapFailed(f"Rasa reports model {status.get('model_file')!r} after loading {path!r}")
        return status

    async def _status_after_load(self) -> dict[str, Any]:
        failure = ModelSwapFailed("no status check ran")
        for _ in range(STATUS_ATTEMPTS):
            try:
                return (await self._request("GET", "/status", timeout=STATUS_TIMEOUT_S)).json()
            except ModelSwapFailed as exc:
                failure = exc
        raise failure

    async def _request(self, method: str, path: str, *, timeout: float, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, f"{self._url}{path}", params={"token": self._token},
                                                timeout=timeout, **kwargs)
        except httpx.HTTPError as exc:
            raise ModelSwapFailed(f"Rasa at {self._url} did not answer {method} {path}: {type(exc).__name__}") \
                from None
        if response.status_code >= 300:
            raise ModelSwapFailed(f"Rasa refused {method} {path}: HTTP {response.status_code} {response.text[:300]}")
        return response
