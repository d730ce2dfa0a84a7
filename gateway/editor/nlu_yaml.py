"""Reading Rasa's NLU YAML and adding examples to an intent as a text edit.

Examples are appended to the intent's `examples: |` block line by line, so the rest of
the file (comments, order, layout) stays byte for byte as the team wrote it; the result
is parsed again before anyone writes it.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from gateway.errors import Invalid

_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_SPACE = re.compile(r"\s+")


def normalise(example: str) -> str:
    """Text as the classifier sees it for duplicate checks: annotations dropped, case and spacing folded."""
    return _SPACE.sub(" ", _ANNOTATION.sub(r"\1", example)).strip().casefold()


def examples_by_intent(text: str, where: Path) -> dict[str, list[str]]:
    """Intent -> its examples in one NLU file (raises Invalid naming the file if it is not valid YAML)."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise Invalid(f"{where}: not valid YAML: {exc}") from None
    out: dict[str, list[str]] = {}
    for item in data.get("nlu") or [] if isinstance(data, dict) else []:
        if isinstance(item, dict) and "intent" in item and isinstance(item.get("examples"), str):
            lines = [ln.strip() for ln in item["examples"].splitlines()]
            out.setdefault(str(item["intent"]), []).extend(ln[2:].strip() for ln in lines if ln.startswith("- "))
    return out


def all_examples(nlu_dir: Path) -> dict[Path, dict[str, list[str]]]:
    return {path: examples_by_intent(path.read_text(encoding="utf-8"), path)
            for path in sorted(nlu_dir.glob("*.yml"))}


def add_examples(text: str, intent: str, examples: list[str]) -> str:
    """`text` with `examples` appended to `intent`'s block, or with a new block at the end of `nlu:`."""
    lines = text.splitlines(keepends=True)
    header = re.compile(rf"^(\s*)- intent:\s*{re.escape(intent)}\s*$")
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        return _new_block(text, intent, examples)
    key_indent = len(header.match(lines[start]).group(1)) + 2  # type: ignore[union-attr]
    block = next((i for i in range(start + 1, len(lines))
                  if re.match(rf"^\s{{{key_indent}}}examples:\s*\|[-+]?\s*$", lines[i])), None)
    if block is None:
        raise Invalid(f"intent {intent} has no `examples: |` block to extend")
    last, item_indent = block, " " * (key_indent + 2)
    for i in range(block + 1, len(lines)):
        stripped = lines[i].strip()
        if not stripped:
            continue
        indent = len(lines[i]) - len(lines[i].lstrip())
        if indent <= key_indent:
            break
        last, item_indent = i, lines[i][:indent]
    added = [f"{item_indent}- {example}\n" for example in examples]
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    return "".join(lines[: last + 1] + added + lines[last + 1:])


def _new_block(text: str, intent: str, examples: list[str]) -> str:
    top_level = [line for line in text.splitlines() if line and not line[0].isspace() and not line.startswith("#")]
    if not top_level or not top_level[-1].startswith("nlu:"):
        raise Invalid(f"cannot add intent {intent}: the file does not end with its `nlu:` section")
    items = re.findall(r"^(\s*)- intent:", text, flags=re.M)
    indent = items[0] if items else "  "
    body = "".join(f"{indent}    - {example}\n" for example in examples)
    return f"{text.rstrip()}\n\n{indent}- intent: {intent}\n{indent}  examples: |\n{body}"
