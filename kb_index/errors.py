"""The knowledge base's error tree.

KbError
├── SourceError      a FAQ source file is malformed (names file, article and field)
├── KbNotReady       no index has been built under the index root yet
├── IndexMismatch    the index was built with another embedding model
├── UnknownLanguage  a query asked for a language the KB does not hold (also a ValueError)
└── UnknownCategory  a query filtered on a category that does not exist (also a ValueError)

Callers (gateway, action server, CLI) translate these at their boundary.
"""

from __future__ import annotations

from pathlib import Path


class KbError(Exception):
    """Base of every error the knowledge base raises on purpose."""


class SourceError(KbError):
    """A FAQ source is invalid; the build stops before touching the live index."""

    def __init__(self, file: Path | str, article: str | None, field: str | None, problem: str) -> None:
        self.file = str(file)
        self.article = article
        self.field = field
        self.problem = problem
        where = [self.file]
        if article is not None:
            where.append(f"article {article}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{': '.join(where)}: {problem}")


class KbNotReady(KbError):
    """Raised when searching before any index version has been built."""


class IndexMismatch(KbError):
    """The index on disk was built with a different encoder than the one supplied."""


class UnknownLanguage(KbError, ValueError):
    """The requested language has no index."""


class UnknownCategory(KbError, ValueError):
    """The category filter names no known category."""
