"""The settings both processes read, defined once: their environment names and defaults.

The gateway validates every setting with pydantic (gateway/settings.py) and takes the defaults
of these from here; `shopassist run` passes the values it resolved to the action server's
environment (gateway/ops/stack.py), where `read_action_server_settings` parses them again with
the rules below.  Standard library only: the action server imports nothing of the gateway.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_PREFIX = "SHOPASSIST_"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def env_name(setting: str) -> str:
    """`key_prefix` -> `SHOPASSIST_KEY_PREFIX`."""
    return ENV_PREFIX + setting.upper()


# Secrets reach the processes we start through their environment, never their argv (`ps` shows argv).
RASA_TOKEN_ENV = env_name("rasa_token")  # Rasa's HTTP API (rasa_addons/serve.py)
RASA_CHANNEL_SECRET_ENV = env_name("rasa_channel_secret")  # signs each turn (contracts/signing.py)
ACTIONS_TOKEN_ENV = env_name("actions_token")  # Rasa -> action server (actions/server.py)
MIN_SECRET_CHARS = 16


class SettingError(Exception):
    """A setting is invalid; the message names every bad variable."""


def parse_hours(raw: str) -> tuple[int, int] | None:
    """'09-18' -> (9, 18); empty -> None (always open)."""
    if not raw.strip():
        return None
    start, _, end = raw.partition("-")
    hours = (int(start), int(end))
    if not (0 <= hours[0] < hours[1] <= 24):
        raise ValueError(raw)
    return hours


def parse_zone(raw: str) -> str:
    from zoneinfo import ZoneInfo

    ZoneInfo(raw)
    return raw


def parse_fraction(raw: str) -> float:
    value = float(raw)
    if not 0.0 <= value <= 1.0:
        raise ValueError(raw)
    return value


def parse_count(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError(raw)
    return value


@dataclass(frozen=True)
class ActionServerSettings:
    """What the action server reads; the defaults are the gateway's too."""

    redis_url: str = DEFAULT_REDIS_URL
    key_prefix: str = "sa"
    kb_index_dir: Path = REPO_ROOT / "var" / "kb"
    embedding_model: str = ""
    shop_api_url: str = ""
    shop_api_token: str = ""
    escalate_order_value: int = 1_000_000
    support_hours: tuple[int, int] | None = None
    support_timezone: str = "Asia/Seoul"
    nps_sample_rate: float = 0.3


ACTION_SERVER_DEFAULTS = ActionServerSettings()
ACTION_SERVER_SETTINGS = tuple(field.name for field in dataclasses.fields(ActionServerSettings))
_PARSERS: dict[str, Callable[[str], Any]] = {
    "kb_index_dir": Path, "escalate_order_value": parse_count, "support_hours": parse_hours,
    "support_timezone": parse_zone, "nps_sample_rate": parse_fraction,
}


def read_action_server_settings(environ: Mapping[str, str]) -> ActionServerSettings:
    """Parse every action-server setting present in `environ`; all problems are reported together."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name in ACTION_SERVER_SETTINGS:
        raw = environ.get(env_name(name))
        if raw is None:
            continue
        try:
            values[name] = _PARSERS.get(name, str)(raw)
        except (ValueError, TypeError, LookupError):
            problems.append(f"{env_name(name)}={raw!r}")
    if problems:
        raise SettingError("invalid action-server settings: " + ", ".join(problems))
    return ActionServerSettings(**values)
