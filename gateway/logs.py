"""Structured JSON logs, one object per line, keyed by conversation id.

Message text is only ever logged at DEBUG (callers pass it as the ``text`` extra), so an
INFO log holds no shopper words; and every record passes `MaskingFilter`, so whatever
personal data still reaches a log (a DEBUG turn, an exception quoting input) is masked.
"""

from __future__ import annotations

import json
import logging
import time
from typing import IO, Any

from gateway.masking import mask

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": round(record.created, 3),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = mask(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class MaskingFilter(logging.Filter):
    """Masks emails, phones, cards, RRNs and addresses in a record's message and extra fields.

    Fields named ``*_id`` are identifiers we made (conversation, ticket), never free text: left as they are.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        for name, value in list(vars(record).items()):
            if name not in _STANDARD and not name.endswith("_id"):
                setattr(record, name, _masked(value))
        return True


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked(item) for item in value]
    return value


def handler(stream: IO[str] | None = None) -> logging.Handler:
    """The gateway's log handler: one JSON object per line, personal data masked."""
    made = logging.StreamHandler(stream)
    made.setFormatter(JsonFormatter())
    made.addFilter(MaskingFilter())
    return made


def configure(level: str) -> None:
    root = logging.getLogger()
    root.handlers[:] = [handler()]
    root.setLevel(level)
    logging.Formatter.converter = time.gmtime
    # httpx logs every request URL at INFO, and Rasa's API token travels in the query string
    logging.getLogger("httpx").setLevel(logging.WARNING)
