"""Personal data is masked in Korean and international formats; ordinary text is left alone."""

from __future__ import annotations

import pytest

from gateway.masking import mask


@pytest.mark.parametrize(("text", "expected"), [
    ("mail me at jane.doe+shop@example.co.kr please", "mail me at [email] please"),
    ("내 번호는 010-1234-5678 이에요", "내 번호는 [phone] 이에요"),
    ("call 01012345678", "call [phone]"),
    ("서울 02-123-4567", "서울 [phone]"),
    ("reach me on +82 10 1234 5678", "reach me on [phone]"),
    ("US (555) 123-4567 or 555.123.4567", "US [phone] or [phone]"),
    ("+44 20 7946 0958 is my office", "[phone] is my office"),
    ("card 4111 1111 1111 1111 was charged twice", "card [card] was charged twice"),
    ("카드 5500-0000-0000-0004 결제", "카드 [card] 결제"),
    ("주민번호 900101-1234567 입니다", "주민번호 [rrn] 입니다"),
    ("ship to 221B Baker Street, Apt 4 London", "ship to [address] London"),
    ("I live at 1600 Pennsylvania Ave", "I live at [address]"),
    ("주소는 서울특별시 강남구 테헤란로 123 입니다", "주소는 [address] 입니다"),
    ("역삼동 123-45번지로 보내주세요", "[address]로 보내주세요"),
])
def test_personal_data_is_masked(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize("text", [
    "where is my order ORD-100234?",
    "주문번호 20240517-0012 배송 언제 와요?",
    "I want to return 2 items within 30 days",
    "1234 5678 9012 3456 is not a valid card",  # fails the Luhn check: an order or tracking number
    "환불은 3-5 영업일 걸리나요",
    "Is 50,000 won the free shipping threshold?",
])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert mask(text) == text
