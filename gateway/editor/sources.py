"""The one writer of the bot's sources: NLU examples under nlu_data/ and FAQ articles under faq/.

Every edit is checked before anything is replaced: the intent exists, no example sits in
two intents, the FAQ file passes the knowledge base's own loader (schema, ids), the NLU
data passes `rasa data validate` on a temporary copy of the project.  A file is replaced
with os.replace from a finished temporary file, so it is never half-written, and a refused
edit changes nothing.  Writers take a file lock, so two editors never interleave.
Blocking (subprocess, file I/O): call from a worker thread.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from gateway.editor import faq_yaml, nlu_yaml
from gateway.editor.rasa_check import validate_project
from gateway.errors import Invalid, NotFound
from kb_index import LANGS, Article, SourceError
from kb_index.articles import load_articles

PROJECT_FILES = ("config.yml", "domain.yml")


@dataclass(frozen=True)
class SourcePaths:
    project_dir: Path  # config.yml, domain.yml, nlu_data/
    faq_dir: Path
    lock_file: Path
    rasa_env: Path

    @property
    def nlu_dir(self) -> Path:
        return self.project_dir / "nlu_data"


def write_atomically(path: Path, text: str) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class SourceWriter:
    def __init__(self, paths: SourcePaths) -> None:
        self.paths = paths

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.paths.lock_file.parent.mkdir(parents=True, exist_ok=True)
        with open(self.paths.lock_file, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    # --- intents ------------------------------------------------------------------------
    def intents(self) -> list[str]:
        """Intents an editor may add examples to: the domain's, less the fallback and external ones."""
        domain = yaml.safe_load((self.paths.project_dir / "domain.yml").read_text(encoding="utf-8")) or {}
        names = [next(iter(i)) if isinstance(i, dict) else str(i) for i in domain.get("intents") or []]
        return [n for n in names if n != "nlu_fallback" and not n.startswith("EXTERNAL_")]

    def example_counts(self) -> dict[str, dict[str, int]]:
        counts = {name: dict.fromkeys(LANGS, 0) for name in self.intents()}
        for path, by_intent in nlu_yaml.all_examples(self.paths.nlu_dir).items():
            lang = path.stem.removeprefix("nlu_")
            for intent, examples in by_intent.items():
                if intent in counts and lang in LANGS:
                    counts[intent][lang] += len(examples)
        return counts

    def add_examples(self, intent: str, lang: str, examples: list[str]) -> list[Path]:
        """Add `examples` to `intent` in nlu_<lang>.yml; returns the files changed (none if all were there)."""
        if intent not in self.intents():
            raise Invalid(f"unknown intent {intent!r}; pick one of GET /api/v1/editor/intents")
        examples = [" ".join(e.split()) for e in examples]  # a shopper's line breaks would end the block
        if not all(examples):
            raise Invalid("examples must not be empty")
        with self._locked():
            new = self._new_examples(intent, examples)
            if not new:
                return []
            path = self.paths.nlu_dir / f"nlu_{lang}.yml"
            before = path.read_text(encoding="utf-8") if path.exists() else "version: \"3.1\"\nnlu:\n"
            after = nlu_yaml.add_examples(before, intent, new)
            written = nlu_yaml.examples_by_intent(after, path).get(intent, [])
            if any(e not in written for e in new):
                raise Invalid(f"could not place the examples in {path.name}; nothing was changed")
            with tempfile.TemporaryDirectory(prefix="shopassist-nlu-") as temp:
                project = Path(temp)
                for name in PROJECT_FILES:
                    shutil.copy2(self.paths.project_dir / name, project / name)
                shutil.copytree(self.paths.nlu_dir, project / "nlu_data")
                (project / "nlu_data" / path.name).write_text(after, encoding="utf-8")
                validate_project(project, self.paths.rasa_env)
            write_atomically(path, after)
            return [path]

    def _new_examples(self, intent: str, examples: list[str]) -> list[str]:
        owner: dict[str, tuple[str, str]] = {}
        for path, by_intent in nlu_yaml.all_examples(self.paths.nlu_dir).items():
            for name, texts in by_intent.items():
                for text in texts:
                    owner.setdefault(nlu_yaml.normalise(text), (name, path.name))
        new: list[str] = []
        for example in examples:
            key = nlu_yaml.normalise(example)
            found = owner.get(key)
            if found and found[0] != intent:
                raise Invalid(f"{example!r} is already an example of intent {found[0]} ({found[1]}); an example "
                              f"can belong to one intent only, so it was not added to {intent}")
            if not found and key not in {nlu_yaml.normalise(n) for n in new}:
                new.append(example)
        return new

    # --- FAQ articles -------------------------------------------------------------------
    def articles(self) -> list[Article]:
        try:
            return load_articles(self.paths.faq_dir)
        except SourceError as exc:
            raise Invalid(str(exc)) from None

    def article(self, article_id: str) -> Article:
        found = next((a for a in self.articles() if a.id == article_id), None)
        if found is None:
            raise NotFound(f"no FAQ article {article_id!r}")
        return found

    def candidate_sources(self, article: Article, into: Path) -> Path:
        """A validated copy of the FAQ sources under `into` with `article` written; returns its file."""
        existing = next((a for a in self.articles() if a.id == article.id), None)
        if existing and (existing.lang, existing.category) != (article.lang, article.category):
            raise Invalid(f"article {article.id} lives in {existing.lang}/{existing.category}.yml; "
                          "its language and category cannot change (create a new article instead)")
        for lang in LANGS:
            if (self.paths.faq_dir / lang).is_dir():
                shutil.copytree(self.paths.faq_dir / lang, into / lang)
        target = into / article.lang / f"{article.category}.yml"
        target.parent.mkdir(parents=True, exist_ok=True)
        before = target.read_text(encoding="utf-8") if target.exists() else ""
        target.write_text(faq_yaml.put_article(before, article), encoding="utf-8")
        try:
            written = next(a for a in load_articles(into) if a.id == article.id)
        except SourceError as exc:
            raise Invalid(str(exc).replace(str(into), str(self.paths.faq_dir))) from None
        if written != article:
            raise Invalid(f"article {article.id} does not survive a round trip through YAML; check its text")
        return target

    def put_article(self, article: Article) -> list[Path]:
        with self._locked(), tempfile.TemporaryDirectory(prefix="shopassist-faq-") as temp:
            candidate = self.candidate_sources(article, Path(temp))
            path = self.paths.faq_dir / article.lang / candidate.name
            write_atomically(path, candidate.read_text(encoding="utf-8"))
            return [path]
