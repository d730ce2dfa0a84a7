"""The contracts between processes: one definition each, importable by every process."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from contracts import signals
from contracts.settings import (
    ACTION_SERVER_DEFAULTS,
    ACTION_SERVER_SETTINGS,
    SettingError,
    parse_hours,
    read_action_server_settings,
)
from gateway.ops.stack import action_server_settings
from gateway.settings import Settings, SettingsError, load_settings

REPO = Path(__file__).resolve().parents[2]
KEY_HOMES = {REPO / "contracts" / "keys.py", REPO / "handoff" / "keys.py"}
# A Redis key built from the prefix: f"{prefix}:…", f"{self.prefix}:…", f"{config.key_prefix}:…"
KEY_LITERAL = re.compile(r"""f["'][^"']*\{[^}]*prefix[^}]*\}:""")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_contracts_import_the_standard_library_only() -> None:
    allowed = set(sys.stdlib_module_names) | {"__future__", "contracts"}
    also = {"shop_facts.py": {"yaml"}}  # the shop facts are a YAML file editors write; PyYAML reads it
    offenders = {path.name: sorted(_imports(path) - allowed - also.get(path.name, set()))
                 for path in (REPO / "contracts").glob("*.py")}
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_every_redis_key_is_built_in_a_keys_module() -> None:
    sources = [p for top in ("gateway", "actions", "kb_index", "handoff", "contracts", "bench")
               for p in (REPO / top).rglob("*.py") if p not in KEY_HOMES]
    offenders = [f"{p.relative_to(REPO)}:{n}" for p in sources
                 for n, line in enumerate(p.read_text().splitlines(), 1) if KEY_LITERAL.search(line)]
    assert offenders == []


def test_the_gateway_defaults_are_the_action_servers() -> None:
    gateway = Settings.model_fields
    for name in ACTION_SERVER_SETTINGS:
        if name == "redis_url":  # unset in the gateway: it picks a Redis and passes the URL on
            continue
        default = gateway[name].default
        default = default.get_secret_value() if hasattr(default, "get_secret_value") else default
        if name == "support_hours":
            default = parse_hours(default)
        assert default == getattr(ACTION_SERVER_DEFAULTS, name), name


def test_what_the_gateway_passes_the_action_server_reads_back() -> None:
    settings = load_settings(key_prefix="t-contract", support_hours="09-18", nps_sample_rate=0.5,
                             escalate_order_value=2500, support_timezone="Europe/Paris", redis_url="redis://h:1/2")
    read = read_action_server_settings(action_server_settings(settings))
    assert (read.key_prefix, read.support_hours, read.nps_sample_rate, read.escalate_order_value,
            read.support_timezone, read.redis_url) == ("t-contract", (9, 18), 0.5, 2500, "Europe/Paris", "redis://h:1/2")
    assert read.kb_index_dir == settings.kb_index_dir


@pytest.mark.parametrize("setting, value", [("support_hours", "18-09"), ("support_timezone", "Mars/Olympus"),
                                            ("nps_sample_rate", "1.5"), ("escalate_order_value", "-1")])
def test_both_processes_refuse_the_same_bad_values(setting: str, value: str) -> None:
    name = f"SHOPASSIST_{setting.upper()}"
    with pytest.raises(SettingError, match=name):
        read_action_server_settings({name: value})
    with pytest.raises(SettingsError, match=name):
        load_settings(**{setting: value})


def test_signals_round_trip_and_refuse_unknown_kinds() -> None:
    custom = signals.wrap("miss", source="kb_none", lang="ko")
    assert signals.unwrap(custom) == {"kind": "miss", "source": "kb_none", "lang": "ko"}
    assert signals.unwrap({"text": "hello"}) is None and signals.unwrap(None) is None
    with pytest.raises(ValueError, match="unknown signal kind"):
        signals.wrap("mis")


def test_the_command_line_parses_without_loading_heavy_libraries() -> None:
    code = ("import sys; from gateway.cli import build_parser, load_settings; build_parser(load_settings()); "
            "print(sorted(m for m in ('numpy', 'faiss', 'torch', 'sentence_transformers', 'redis', 'fastapi') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                         timeout=60).stdout
    assert out.strip() == "[]"
