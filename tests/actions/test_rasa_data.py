"""`rasa data validate` is clean: no warnings about intents, responses, actions or rules."""

from __future__ import annotations

import subprocess

import pytest

from gateway.ops import training
from gateway.settings import REPO_ROOT

pytestmark = [pytest.mark.rasa, pytest.mark.slow]


def test_rasa_data_validate_is_clean() -> None:
    result = subprocess.run(
        training.rasa_command(REPO_ROOT / ".venv-rasa", "data", "validate", "--fail-on-warnings",
                              "--domain", "domain.yml", "--data", "nlu_data", "--config", "config.yml"),
        cwd=REPO_ROOT, env=training.rasa_env_vars(), capture_output=True, text=True, timeout=240)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "UserWarning" not in output, [line for line in output.splitlines() if "UserWarning" in line]
