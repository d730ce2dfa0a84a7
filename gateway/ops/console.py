"""The one voice of `shopassist run` and its build steps on the terminal."""

from __future__ import annotations


def say(text: str) -> None:
    print(f"[shopassist] {text}", flush=True)
