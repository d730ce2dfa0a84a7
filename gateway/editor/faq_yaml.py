"""Writing one FAQ article into its `<lang>/<category>.yml` source as a text edit.

The file is a YAML list with one `- id:` item per article; the edited article's item is
replaced (or a new one appended) and every other article stays byte for byte as written.
The emitted item follows the sources' layout: block lists, the answer as a `|` block, tags
in flow style.
"""

from __future__ import annotations

import re

import yaml

from kb_index import Article

_ITEM = re.compile(r"^- ", re.M)


def _scalar(value: str) -> str:
    dumped = yaml.safe_dump(value, allow_unicode=True, width=1_000_000)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def article_yaml(article: Article) -> str:
    answer = "".join(f"    {line}\n" if line.strip() else "\n" for line in article.answer.splitlines())
    tags = yaml.safe_dump(list(article.tags), allow_unicode=True, default_flow_style=True, width=1_000_000)
    return (
        f"- id: {article.id}\n  lang: {article.lang}\n  category: {article.category}\n"
        f"  title: {_scalar(article.title)}\n  questions:\n"
        + "".join(f"    - {_scalar(q)}\n" for q in article.questions)
        + f"  answer: |\n{answer}  tags: {tags.strip()}\n  updated: {article.updated}\n"
    )


def _items(text: str) -> list[str]:
    starts = [m.start() for m in _ITEM.finditer(text)]
    head = text[: starts[0]] if starts else text
    return [head, *(text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True))]


def _item_id(item: str) -> str | None:
    try:
        parsed = yaml.safe_load(item)
    except yaml.YAMLError:
        return None
    return parsed[0].get("id") if isinstance(parsed, list) and parsed and isinstance(parsed[0], dict) else None


def put_article(text: str, article: Article) -> str:
    """`text` (a category file, possibly empty) with `article` replaced or appended."""
    head, *items = _items(text)
    emitted = article_yaml(article)
    for index, item in enumerate(items):
        if _item_id(item) == article.id:
            trailing = item[len(item.rstrip("\n")):]
            items[index] = emitted.rstrip("\n") + (trailing if len(trailing) > 1 else "\n")
            return head + "".join(items)
    body = head + "".join(items)
    return (body.rstrip("\n") + "\n" if body.strip() else "") + emitted
