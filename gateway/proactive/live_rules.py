"""The rules in force, reloaded when the file changes; a broken file leaves the old rules live."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from gateway.proactive.rules import RulesError, RuleSet, load

log = logging.getLogger(__name__)


class LiveRules:
    def __init__(self, path: Path, check_every_s: float, clock: Callable[[], float]) -> None:
        self._path = path
        self._check_every_s = check_every_s
        self._clock = clock
        self._checked = 0.0
        self._mtime = 0.0
        self.current = self._first_load()
        self.last_error: str | None = None

    def _first_load(self) -> RuleSet:
        """A broken file at start-up is an error: there are no old rules to keep."""
        rules = load(self._path)
        self._mtime = self._path.stat().st_mtime
        self._checked = self._clock()
        return rules

    def get(self) -> RuleSet:
        """The rules, re-read at most every `check_every_s` when the file changed."""
        now = self._clock()
        if now - self._checked >= self._check_every_s:
            self._checked = now
            try:
                mtime = self._path.stat().st_mtime
            except OSError:
                mtime = self._mtime
            if mtime != self._mtime:
                with contextlib.suppress(RulesError):
                    self.reload()
        return self.current

    def reload(self) -> RuleSet:
        """Re-read now; raises RulesError (old rules stay live) when the file is broken."""
        try:
            self._mtime = self._path.stat().st_mtime
            rules = load(self._path)
        except (RulesError, OSError) as exc:
            self.last_error = str(exc)
            log.error("proactive rules not reloaded, the previous rules stay live: %s", exc)
            raise RulesError(str(exc)) from None
        self.current, self.last_error = rules, None
        log.info("proactive rules loaded", extra={"rules": len(rules.rules)})
        return rules
