"""Problems named in a message that always need a person: fraud, money taken twice (or a wrong
amount), damaged or missing items."""

from __future__ import annotations

import re

_PATTERNS = {
    "fraud": re.compile(
        r"fraud|unauthori[sz]ed|don'?t recogni[sz]e|didn'?t make (this|that|the) (purchase|payment)|"
        r"someone (used|hacked)|hacked|stolen card|도용|사기|해킹|제가 안 한 결제|모르는 결제|무단", re.I),
    "double_charge": re.compile(
        r"charged (me )?twice|twice for|double[- ]?charg|charged (me )?two times|two (payments|charges)|"
        r"paid twice|wrong amount|charged (me )?(too much|more)|이중 ?결제|중복 ?결제|두 번 결제|결제가 두 번|"
        r"두 번 (빠져|청구|출금|승인)|두 번이나 결제|금액이 (잘못|다르|더)", re.I),
    "damaged": re.compile(
        r"damaged|broken|cracked|shattered|crushed|defective|doesn'?t work|stopped working|arrived broken|"
        r"파손|깨져|깨졌|망가|찌그러|고장|불량|작동을 안|작동이 안", re.I),
    "missing": re.compile(
        r"missing|wasn'?t in the (box|parcel|package)|never (arrived|received)|empty (box|parcel)|"
        r"누락|빠져 있|빠졌|안 들어있|없어요 상품|빈 박스|못 받았", re.I),
}


def problems_in(text: str) -> set[str]:
    return {name for name, pattern in _PATTERNS.items() if pattern.search(text)}
