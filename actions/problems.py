"""Problems named in a message that always need a person: fraud, damaged or missing items."""

from __future__ import annotations

import re

_PATTERNS = {
    "fraud": re.compile(
        r"fraud|unauthori[sz]ed|don'?t recogni[sz]e|didn'?t make (this|that|the) (purchase|payment)|"
        r"someone (used|hacked)|hacked|stolen card|도용|사기|해킹|제가 안 한 결제|모르는 결제|무단", re.I),
    "damaged": re.compile(
        r"damaged|broken|cracked|shattered|crushed|defective|doesn'?t work|stopped working|arrived broken|"
        r"파손|깨져|깨졌|망가|찌그러|고장|불량|작동을 안|작동이 안", re.I),
    "missing": re.compile(
        r"missing|wasn'?t in the (box|parcel|package)|never (arrived|received)|empty (box|parcel)|"
        r"누락|빠져 있|빠졌|안 들어있|없어요 상품|빈 박스|못 받았", re.I),
}


def problems_in(text: str) -> set[str]:
    return {name for name, pattern in _PATTERNS.items() if pattern.search(text)}
