"""Rasa's endpoints.yml and credentials.yml, generated from our settings.

Generated rather than committed so the tracker store, lock store and action server always
point where the gateway does (including an embedded Redis on a random port).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import yaml

from contracts.keys import RedisKeys


def write(run_dir: Path, *, redis_url: str, actions_url: str, key_prefix: str) -> tuple[Path, Path]:
    url = urlparse(redis_url)
    redis_common = {
        "url": url.hostname or "127.0.0.1",
        "port": url.port or 6379,
        "password": url.password,
        "key_prefix": RedisKeys(key_prefix).rasa_prefix(),
    }
    db = int(url.path.lstrip("/") or 0)
    endpoints = {
        "action_endpoint": {"url": f"{actions_url}/webhook"},
        "tracker_store": {"type": "redis", "db": db, "record_exp": None, **redis_common},
        "lock_store": {"type": "redis", "db": db, **redis_common},
    }
    credentials = {"rest": None}
    run_dir.mkdir(parents=True, exist_ok=True)
    endpoints_path, credentials_path = run_dir / "endpoints.yml", run_dir / "credentials.yml"
    endpoints_path.write_text(yaml.safe_dump(endpoints, sort_keys=False))
    credentials_path.write_text(yaml.safe_dump(credentials))
    return endpoints_path, credentials_path
