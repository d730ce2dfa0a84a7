"""NLU evaluation on a held-out split: `python tests/actions/nlu_evaluation.py`.

Splits nlu_data/ per intent and language (every fifth example, by a stable hash, is held
out), trains an NLU-only model on the rest with config.yml, runs `rasa test nlu` on the
held-out part, and writes reports/nlu/: Rasa's intent report and confusion-matrix image,
plus summary.md with macro-F1 per language and per-intent F1.  Not a pytest test: it
trains a model (minutes), so it runs on demand and its numbers go into docs/conversation.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml
from sklearn.metrics import f1_score

ROOT = Path(__file__).resolve().parents[2]
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
OUT = Path(os.environ.get("NLU_EVAL_OUT", ROOT / "reports" / "nlu"))
CONFIG = Path(os.environ.get("NLU_EVAL_CONFIG", ROOT / "config.yml"))
HELD_OUT_EVERY = 5
HANGUL = re.compile(r"[가-힣ㄱ-ㅎ]")
NOT_EVALUATED = {"EXTERNAL_handoff_resolved"}  # a trigger, not shopper language


def language(text: str) -> str:
    return "ko" if HANGUL.search(text) else "en"


def plain(example: str) -> str:
    """'where is [ORD-1](order_id)' -> 'where is ORD-1'."""
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", example)


def split(data_dir: Path, train_dir: Path) -> list[tuple[str, str]]:
    held_out: list[tuple[str, str]] = []
    for path in sorted(data_dir.glob("*.yml")):
        document = yaml.safe_load(path.read_text())
        kept = []
        for block in document.get("nlu", []):
            if "intent" not in block:
                kept.append(block)
                continue
            examples = [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
            train = []
            for example in examples:
                bucket = int(hashlib.sha256(example.encode()).hexdigest(), 16) % HELD_OUT_EVERY
                if bucket == 0 and block["intent"] not in NOT_EVALUATED and len(examples) >= HELD_OUT_EVERY:
                    held_out.append((example, block["intent"]))
                else:
                    train.append(example)
            kept.append({"intent": block["intent"], "examples": "".join(f"- {e}\n" for e in train)})
        document["nlu"] = kept
        (train_dir / path.name).write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
    return held_out


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        train_dir, test_file = Path(tmp) / "train", Path(tmp) / "test.yml"
        train_dir.mkdir()
        held_out = split(ROOT / "nlu_data", train_dir)
        by_intent: dict[str, list[str]] = defaultdict(list)
        for example, intent in held_out:
            by_intent[intent].append(example)
        test_file.write_text(yaml.safe_dump({"version": "3.1", "nlu": [
            {"intent": i, "examples": "".join(f"- {e}\n" for e in ex)} for i, ex in by_intent.items()]},
            allow_unicode=True, sort_keys=False))
        env = {"PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false",
               "PATH": "/usr/bin:/bin"}
        started = time.monotonic()
        subprocess.run([str(RASA), "train", "nlu", "--config", str(CONFIG), "--nlu", str(train_dir),
                        "--out", str(Path(tmp) / "models"), "--fixed-model-name", "eval"],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        train_s = time.monotonic() - started
        subprocess.run([str(RASA), "test", "nlu", "--model", str(Path(tmp) / "models" / "eval.tar.gz"),
                        "--nlu", str(test_file), "--out", str(Path(tmp) / "results"), "--successes"],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        results = Path(tmp) / "results"
        for name in ("intent_report.json", "intent_confusion_matrix.png"):
            (OUT / name).write_bytes((results / name).read_bytes())
        predictions = []
        for name in ("intent_successes.json", "intent_errors.json"):
            if (results / name).exists():
                predictions += json.loads((results / name).read_text())
    write_summary(predictions, len(held_out), train_s)
    return 0


def write_summary(predictions: list[dict], held_out: int, train_s: float) -> None:
    lines = [f"# NLU evaluation (held-out split, every {HELD_OUT_EVERY}th example per intent)", "",
             f"{held_out} held-out examples; NLU-only training took {train_s:.0f} s on this host.", "",
             "| language | examples | accuracy | macro-F1 |", "|---|---|---|---|"]
    per_intent: dict[str, dict[str, float]] = {}
    for lang in ("en", "ko"):
        mine = [p for p in predictions if language(p["text"]) == lang]
        truth = [p["intent"] for p in mine]
        guess = [(p.get("intent_prediction") or {}).get("name") or "none" for p in mine]
        labels = sorted(set(truth))
        macro = f1_score(truth, guess, labels=labels, average="macro", zero_division=0)
        accuracy = sum(t == g for t, g in zip(truth, guess, strict=True)) / max(1, len(mine))
        lines.append(f"| {lang} | {len(mine)} | {accuracy:.3f} | {macro:.3f} |")
        for label, score in zip(labels, f1_score(truth, guess, labels=labels, average=None, zero_division=0),
                                strict=True):
            per_intent.setdefault(label, {})[lang] = float(score)
    lines += ["", "| intent | F1 en | F1 ko |", "|---|---|---|"]
    for label in sorted(per_intent):
        row = per_intent[label]
        lines.append(f"| {label} | {row.get('en', float('nan')):.2f} | {row.get('ko', float('nan')):.2f} |")
    confidences = sorted(float((p.get("intent_prediction") or {}).get("confidence") or 0) for p in predictions
                         if (p.get("intent_prediction") or {}).get("name") == p["intent"])
    if confidences:
        lines += ["", f"Confidence of correct predictions: median {confidences[len(confidences) // 2]:.2f}, "
                      f"lowest decile {confidences[len(confidences) // 10]:.2f}."]
    errors = [p for p in predictions if (p.get("intent_prediction") or {}).get("name") != p["intent"]]
    lines += ["", "Misclassified held-out examples:", ""]
    lines += [f"- `{p['text']}`: {p['intent']} → {(p.get('intent_prediction') or {}).get('name')}" for p in errors]
    (OUT / "summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
