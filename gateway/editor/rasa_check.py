"""Rasa's own validation of a candidate project (`rasa data validate`), before a source is replaced.

It runs on a temporary copy holding the edited file, with warnings treated as errors:
an example under two intents or an intent missing from the domain is only a warning to
Rasa, and it would silently weaken the model.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from gateway.errors import Invalid
from gateway.ops.training import rasa_command, rasa_env_vars

TIMEOUT_S = 180
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_PROBLEM = re.compile(r"(?:UserWarning|Error|InvalidDomain|YamlSyntaxException)\b:?\s*(.+)")


def validate_project(project: Path, rasa_env: Path) -> None:
    """Raise Invalid with Rasa's own words if the candidate project does not validate."""
    command = rasa_command(rasa_env.resolve(), "data", "validate", "--domain", "domain.yml", "--data", "nlu_data",
                           "--config", "config.yml", "--fail-on-warnings")
    try:
        done = subprocess.run(command, cwd=project, env=rasa_env_vars(), capture_output=True, text=True,
                              timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise Invalid(f"rasa data validate did not finish in {TIMEOUT_S} s; nothing was changed") from None
    if done.returncode == 0:
        return
    output = _ANSI.sub("", done.stdout + done.stderr)
    problems = [m.group(1).strip() for line in output.splitlines()
                if "Deprecat" not in line and (m := _PROBLEM.search(line))]
    last_lines = output.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
    detail = "; ".join(dict.fromkeys(problems)) or last_lines[0]
    raise Invalid(f"rasa data validate refused the edit: {detail}")
