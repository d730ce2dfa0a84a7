"""How a shop fact reads in each language: ``₩50,000`` / ``50,000원``, ``3–5 business days`` /
``영업일 기준 3~5일``.  Kept apart from the loader so the FAQ, the bot and the demo pages all word a
figure the same way.
"""

from __future__ import annotations

Value = int | tuple[int, int] | str  # a number, a range [low, high], or a clock time "HH:MM"

CURRENCY_SIGNS = {"KRW": ("₩", "원")}  # currency: (English prefix, Korean suffix)
# duration kinds: (English singular, English plural, Korean suffix)
UNITS = {
    "minutes": ("minute", "minutes", "분"),
    "hours": ("hour", "hours", "시간"),
    "days": ("day", "days", "일"),
    "business_days": ("business day", "business days", "영업일"),
    "weeks": ("week", "weeks", "주"),
    "months": ("month", "months", "개월"),
    "years": ("year", "years", "년"),
}
NUMBER_KINDS = ("money", "count", "percent")
KINDS = (*NUMBER_KINDS, *UNITS, "clock")
RANGE_KINDS = ("count", *UNITS)


def fact_text(kind: str, value: Value, lang: str, currency: str) -> str:
    """The figure as a shopper reads it in `lang` ("en" or "ko")."""
    if isinstance(value, str):
        return _clock(value, lang)
    if kind == "money":
        prefix, suffix = CURRENCY_SIGNS[currency]
        return f"{value:,}{suffix}" if lang == "ko" else f"{prefix}{value:,}"
    span = _span(value, "~" if lang == "ko" else "–")
    if kind == "percent":
        return f"{span}%"
    if kind == "count":
        return span
    singular, plural, suffix = UNITS[kind]
    if lang == "ko":
        if kind == "business_days" and isinstance(value, tuple):
            return f"영업일 기준 {span}일"
        return f"{span}{suffix}"
    return f"{span} {singular if value == 1 else plural}"


def _span(value: int | tuple[int, int], dash: str) -> str:
    return f"{value[0]:,}{dash}{value[1]:,}" if isinstance(value, tuple) else f"{value:,}"


def _clock(value: str, lang: str) -> str:
    """'14:00' -> '2 pm' / '오후 2시'; '23:00' -> '11 pm' / '밤 11시'."""
    hour, minute = (int(part) for part in value.split(":"))
    twelve = hour % 12 or 12
    if lang == "ko":
        part = "오전" if 1 <= hour < 12 else "낮" if hour == 12 else "오후" if 13 <= hour <= 20 else "밤"
        return f"{part} {twelve}시" + (f" {minute}분" if minute else "")
    return f"{twelve}{f':{minute:02d}' if minute else ''} {'am' if hour < 12 else 'pm'}"
