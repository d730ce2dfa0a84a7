"""Gateway processes on free ports, as `shopassist run` starts them, for tests that need real
HTTP and WebSocket servers (a browser, or two instances sharing one Redis)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bot import redis_server
from bot.settings import REPO_ROOT

_SERVE = (
    "import sys, uvicorn\n"
    "from bot.app import create_app\n"
    "from bot.settings import load_settings\n"
    "s = load_settings()\n"
    "uvicorn.run(create_app(s, s.redis_url), host='127.0.0.1', port=int(sys.argv[1]), log_level='warning')\n"
)


@contextmanager
def gateway_process(env: dict[str, str], log: Path, startup_s: float = 120) -> Iterator[str]:
    """Start one gateway; yield its base URL once it serves, stop it afterwards."""
    port = redis_server.free_port()
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-c", _SERVE, str(port)], cwd=REPO_ROOT,
                                   env=dict(os.environ, **env), stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gateway exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{url}/demo/", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gateway did not start in {startup_s}s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
