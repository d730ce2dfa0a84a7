"""Training the Rasa model only when its sources changed.

Models are cached under var/models by a hash of everything that shapes them (config,
domain, training data, our tokenizer, the Rasa lock), so `make run` and `make test` reuse
a model as long as nothing it was trained from changed.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from gateway.ops.children import Children
from gateway.settings import REPO_ROOT

# rasa_addons/ also holds the launcher and the chat channel, which shape no model: only the
# components config.yml names are listed, so changing the channel does not retrain.
SOURCES = ("config.yml", "domain.yml", "nlu_data", "rasa_addons/kiwi_tokenizer.py", "rasa_addons/internal_intents.py",
           "requirements/rasa.lock")


class TrainingFailed(Exception):
    pass


def print_progress(message: str) -> None:
    print(f"[train] {message}", flush=True)


def training_hash(root: Path = REPO_ROOT) -> str:
    digest = hashlib.sha256()
    for source in SOURCES:
        path = root / source
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts:
                continue
            digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_hash(model: Path) -> str:
    """The training hash a cached model file is named by."""
    return model.name.removeprefix("shopassist-").removesuffix(".tar.gz")


def rasa_command(rasa_env: Path, *args: str) -> list[str]:
    return [str(rasa_env / "bin" / "rasa"), *args]


def rasa_env_vars(root: Path = REPO_ROOT) -> dict[str, str]:
    """Environment for Rasa processes: our add-ons importable, TensorFlow quiet."""
    env = dict(os.environ)
    env.update(PYTHONPATH=str(root), TF_CPP_MIN_LOG_LEVEL="2", RASA_TELEMETRY_ENABLED="false")
    return env


def ensure_model(models_dir: Path, rasa_env: Path, root: Path = REPO_ROOT,
                 say: Callable[[str], None] = print_progress, children: Children | None = None) -> Path:
    """The trained model for the current sources, training it first if needed.

    Rasa trains under a staging name that is renamed only on success, so a crash never
    replaces or half-writes a model that may be live."""
    models_dir.mkdir(parents=True, exist_ok=True)
    name = f"shopassist-{training_hash(root)}"
    model = models_dir / f"{name}.tar.gz"
    with open(models_dir / ".train.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one trainer at a time (make run and make test may race)
        if model.exists():
            say(f"sources unchanged; model {name} is up to date")
            return model
        say(f"sources changed; training Rasa model {name} (about a minute) ...")
        staging = f"partial-{name}"  # Rasa drops anything after a dot
        command = rasa_command(
            rasa_env, "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "nlu_data",
            "--out", str(models_dir), "--fixed-model-name", staging,
        )
        with (children or Children()).popen(command, cwd=root, env=rasa_env_vars(root), stdout=subprocess.PIPE,
                                            stderr=subprocess.STDOUT) as process:
            tail = _follow_training(process, say)
        if process.returncode != 0:
            sys.stderr.write("".join(tail))
            last = " | ".join(line.strip() for line in tail[-3:] if line.strip())[-600:]
            raise TrainingFailed(f"rasa train failed (exit {process.returncode}): {last}")
        os.replace(models_dir / f"{staging}.tar.gz", model)
        say(f"model ready: {model}")
        return model


def _follow_training(process: subprocess.Popen[str], say: Callable[[str], None]) -> list[str]:
    """Show progress (at most every 10 s) and keep the tail for a failure report."""
    tail: list[str] = []
    last_progress = 0.0
    assert process.stdout is not None
    for line in process.stdout:
        tail = (tail + [line])[-40:]
        epochs = "Epochs:" in line[:20] and time.monotonic() - last_progress > 10
        if epochs or "Finished training component" in line:
            last_progress = time.monotonic() if epochs else last_progress
            say(line.rstrip()[-110:])
    process.wait()
    return tail
