"""The NLU test report: Rasa's `rasa test nlu` output turned into one JSON document.

Rasa's intent report gives the pooled per-intent precision/recall/F1 and the confusion
matrix; the per-language scores are computed here from its per-example predictions, since
one pipeline serves both languages and a Korean-only regression must still be visible.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score

from gateway.editor.nlu_split import language

SUMMARY_ROWS = {"accuracy", "macro avg", "weighted avg", "micro avg"}
MAX_MISCLASSIFIED = 200


def build_report(results: Path) -> dict[str, Any]:
    """Read a `rasa test nlu --successes` output folder into the report document."""
    intent_report = json.loads((results / "intent_report.json").read_text())
    predictions: list[dict[str, Any]] = []
    for name in ("intent_successes.json", "intent_errors.json"):
        if (results / name).exists():
            predictions += json.loads((results / name).read_text())
    per_intent = {
        intent: {"precision": row["precision"], "recall": row["recall"], "f1": row["f1-score"],
                 "support": row["support"], "confused_with": row.get("confused_with", {})}
        for intent, row in sorted(intent_report.items()) if intent not in SUMMARY_ROWS and row.get("support")
    }
    misclassified = [
        {"text": p["text"], "lang": language(p["text"]), "expected": p["intent"],
         "predicted": _guess(p), "confidence": round(_confidence(p), 4)}
        for p in predictions if _guess(p) != p["intent"]
    ]
    return {
        "examples": len(predictions),
        "accuracy": intent_report.get("accuracy"),
        "macro_f1": intent_report["macro avg"]["f1-score"],
        "per_intent": per_intent,
        "lang": {lang: _language_scores(predictions, lang) for lang in ("en", "ko")},
        "misclassified_total": len(misclassified),
        "misclassified": sorted(misclassified, key=lambda m: -m["confidence"])[:MAX_MISCLASSIFIED],
    }


def _guess(prediction: dict[str, Any]) -> str:
    return (prediction.get("intent_prediction") or {}).get("name") or "none"


def _confidence(prediction: dict[str, Any]) -> float:
    return float((prediction.get("intent_prediction") or {}).get("confidence") or 0.0)


def _language_scores(predictions: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    mine = [p for p in predictions if language(p["text"]) == lang]
    truth = [p["intent"] for p in mine]
    guess = [_guess(p) for p in mine]
    labels = sorted(set(truth))
    if not labels:
        return {"examples": 0, "accuracy": None, "macro_f1": None, "per_intent": {}}
    scores = f1_score(truth, guess, labels=labels, average=None, zero_division=0)
    return {
        "examples": len(mine),
        "accuracy": sum(t == g for t, g in zip(truth, guess, strict=True)) / len(mine),
        "macro_f1": float(sum(scores) / len(scores)),
        "per_intent": {label: float(score) for label, score in zip(labels, scores, strict=True)},
    }
