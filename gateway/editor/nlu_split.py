"""The deterministic held-out split of nlu_data/ that the NLU test evaluates on.

Every fifth example of an intent (by a stable hash of its text) is held out, so the split
of a given example never changes between runs or versions: adding one example moves at most
that example, and two versions' reports are comparable.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from pathlib import Path

import yaml

HELD_OUT_EVERY = 5
HANGUL = re.compile(r"[가-힣ㄱ-ㅎ]")
NOT_EVALUATED = {"EXTERNAL_handoff_resolved"}  # a trigger, not shopper language


def language(text: str) -> str:
    return "ko" if HANGUL.search(text) else "en"


def plain(example: str) -> str:
    """'where is [ORD-1](order_id)' -> 'where is ORD-1'."""
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", example)


def _held_out(example: str) -> bool:
    return int(hashlib.sha256(example.encode()).hexdigest(), 16) % HELD_OUT_EVERY == 0


def split(data_dir: Path, train_dir: Path, test_file: Path) -> int:
    """Write the training part of every nlu_data file to `train_dir` and the held-out
    examples to `test_file`; returns how many were held out."""
    held_out: dict[str, list[str]] = defaultdict(list)
    for path in sorted(data_dir.glob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        kept = []
        for block in document.get("nlu", []):
            if "intent" not in block:
                kept.append(block)
                continue
            examples = [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
            evaluated = block["intent"] not in NOT_EVALUATED and len(examples) >= HELD_OUT_EVERY
            train = []
            for example in examples:
                if evaluated and _held_out(example):
                    held_out[block["intent"]].append(example)
                else:
                    train.append(example)
            kept.append({"intent": block["intent"], "examples": "".join(f"- {e}\n" for e in train)})
        document["nlu"] = kept
        (train_dir / path.name).write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False))
    test_file.write_text(yaml.safe_dump({"version": "3.1", "nlu": [
        {"intent": intent, "examples": "".join(f"- {e}\n" for e in examples)}
        for intent, examples in held_out.items()]}, allow_unicode=True, sort_keys=False))
    return sum(len(examples) for examples in held_out.values())
