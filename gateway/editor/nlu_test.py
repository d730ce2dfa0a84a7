"""`shopassist nlu test`: evaluate the NLU on data it was not trained on, keep the report.

Held-out (default): an NLU-only model is trained on four fifths of nlu_data/ (the split in
nlu_split.py) and tested on the rest.  Cross-validation (`folds`): Rasa's own K-fold run on
all of the data, K trainings.  Reports live in <reports>/<model hash>/ (report.json and
confusion.png), named like the model they describe, so a deploy's gate reads the report of
exactly the model it ships; cross-validation reports go to <model hash>-cv<K>/ and are
never used by the gate.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gateway.editor.nlu_report import build_report
from gateway.editor.nlu_split import HELD_OUT_EVERY, split
from gateway.ops import training
from gateway.ops.children import Children

REPORT = "report.json"
CONFUSION = "confusion.png"


class NluTestFailed(Exception):
    pass


def report_dir(reports_dir: Path, model_hash: str, folds: int | None = None) -> Path:
    return reports_dir / (f"{model_hash}-cv{folds}" if folds else model_hash)


def load_report(reports_dir: Path, model_hash: str) -> dict[str, Any] | None:
    path = report_dir(reports_dir, model_hash) / REPORT
    return json.loads(path.read_text()) if path.is_file() else None


def ensure_report(root: Path, reports_dir: Path, rasa_env: Path, say: Callable[[str], None],
                  folds: int | None = None, children: Children | None = None) -> dict[str, Any]:
    """The report for the current sources of `root`, testing first if there is none."""
    children = children or Children()
    model_hash = training.training_hash(root)
    target = report_dir(reports_dir, model_hash, folds)
    if (target / REPORT).is_file():
        say(f"NLU report for model {model_hash} is up to date: {target / REPORT}")
        return json.loads((target / REPORT).read_text())
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nlu-test-") as tmp:
        results = Path(tmp) / "results"
        if folds:
            say(f"cross-validating the NLU over {folds} folds ({folds} trainings) ...")
            _rasa(children, root, rasa_env, "test", "nlu", "--nlu", str(root / "nlu_data"), "--config",
                  str(root / "config.yml"), "--cross-validation", "--folds", str(folds), "--out", str(results),
                  "--successes")
        else:
            _held_out_run(children, root, rasa_env, Path(tmp), say)
        report = build_report(results)
        report.update(model_hash=model_hash, created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                      method=f"cross-validation ({folds} folds)" if folds else f"held-out (1 in {HELD_OUT_EVERY})",
                      seconds=round(time.monotonic() - started, 1))
        _publish(target, report, results / "intent_confusion_matrix.png")
    say(f"NLU report written to {target / REPORT}: {summary(report)}")
    return report


def summary(report: dict[str, Any]) -> str:
    langs = ", ".join(f"{lang} {scores['macro_f1']:.3f}" for lang, scores in report["lang"].items()
                      if scores.get("macro_f1") is not None)
    return f"macro-F1 {report['macro_f1']:.3f} ({langs}) on {report['examples']} examples"


def _held_out_run(children: Children, root: Path, rasa_env: Path, tmp: Path, say: Callable[[str], None]) -> None:
    train_dir, test_file = tmp / "train", tmp / "test.yml"
    train_dir.mkdir()
    held_out = split(root / "nlu_data", train_dir, test_file)
    say(f"held out {held_out} examples; training an NLU-only model on the rest ...")
    _rasa(children, root, rasa_env, "train", "nlu", "--config", str(root / "config.yml"), "--nlu", str(train_dir),
          "--out", str(tmp / "models"), "--fixed-model-name", "heldout")
    say(f"testing on the {held_out} held-out examples ...")
    _rasa(children, root, rasa_env, "test", "nlu", "--model", str(tmp / "models" / "heldout.tar.gz"),
          "--nlu", str(test_file), "--out", str(tmp / "results"), "--successes")


def _rasa(children: Children, root: Path, rasa_env: Path, *args: str) -> None:
    done = children.run(training.rasa_command(rasa_env, *args), cwd=root, env=training.rasa_env_vars(root))
    if done.returncode != 0:
        tail = " | ".join(line for line in (done.stdout + done.stderr).splitlines()[-3:] if line.strip())
        raise NluTestFailed(f"rasa {' '.join(args[:2])} failed (exit {done.returncode}): {tail[-600:]}")


def _publish(target: Path, report: dict[str, Any], confusion: Path) -> None:
    """Write the report folder under a staging name and rename it into place, so a reader
    (or the gate) never sees a report without its image or a half-written JSON."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=target.parent))
    try:
        (staging / REPORT).write_text(json.dumps(report, ensure_ascii=False, indent=1))
        if confusion.is_file():
            shutil.copyfile(confusion, staging / CONFUSION)
        if target.exists():
            shutil.rmtree(target)  # a finished rerun of the same sources replaces the older report
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
