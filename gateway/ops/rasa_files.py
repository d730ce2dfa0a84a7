"""Rasa's endpoints.yml and credentials.yml, generated from our settings.

Generated rather than committed so the tracker store, lock store and action server always
point where the gateway does (including an embedded Redis on a random port).  No secret is
written into them: they name environment variables (Rasa expands ``${NAME}`` in both files),
and `RasaFiles.env` holds the values for the Rasa process's environment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import yaml

from contracts.keys import RedisKeys
from contracts.settings import ACTIONS_TOKEN_ENV

REDIS_PASSWORD_ENV = "SHOPASSIST_RASA_REDIS_PASSWORD"  # Rasa's alone: the others read the URL
CHANNEL = "rasa_addons.gateway_channel.GatewayInput"  # the only chat channel: no open REST webhook
_TLS_FILES = ("ssl_ca_certs", "ssl_certfile", "ssl_keyfile")  # rediss:// query options both clients read


@dataclass(frozen=True)
class RasaFiles:
    endpoints: Path
    credentials: Path
    env: dict[str, str] = field(default_factory=dict)  # the secrets the files refer to


def redis_options(redis_url: str) -> tuple[dict[str, object], dict[str, str]]:
    """Rasa's Redis options for a redis:// or rediss:// URL (ACL user and password included),
    and the environment the password is passed in."""
    url = urlparse(redis_url)
    if url.scheme not in ("redis", "rediss"):
        raise ValueError(f"Rasa's stores need a redis:// or rediss:// URL, not {url.scheme}://")
    options: dict[str, object] = {"url": url.hostname or "127.0.0.1", "port": url.port or 6379,
                                  "db": int(url.path.lstrip("/") or 0)}
    env = {}
    if url.username:
        options["username"] = unquote(url.username)
    if url.password:
        options["password"] = "${" + REDIS_PASSWORD_ENV + "}"
        env[REDIS_PASSWORD_ENV] = unquote(url.password)
    if url.scheme == "rediss":
        options["use_ssl"] = True
        query = parse_qs(url.query)
        options.update({name: query[name][0] for name in _TLS_FILES if name in query})
    return options, env


def write(run_dir: Path, *, redis_url: str, actions_url: str, key_prefix: str, actions_token: str) -> RasaFiles:
    redis, env = redis_options(redis_url)
    redis["key_prefix"] = RedisKeys(key_prefix).rasa_prefix()
    endpoints = {
        "action_endpoint": {"url": f"{actions_url}/webhook",
                            "headers": {"Authorization": "Bearer ${" + ACTIONS_TOKEN_ENV + "}"}},
        "tracker_store": {"type": "redis", "record_exp": None, **redis},
        "lock_store": {"type": "redis", **redis},
    }
    run_dir.mkdir(parents=True, exist_ok=True)
    files = RasaFiles(run_dir / "endpoints.yml", run_dir / "credentials.yml",
                      {**env, ACTIONS_TOKEN_ENV: actions_token})
    files.endpoints.write_text(yaml.safe_dump(endpoints, sort_keys=False))
    files.credentials.write_text(yaml.safe_dump({CHANNEL: None}))
    return files
