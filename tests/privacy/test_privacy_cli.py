"""`shopassist privacy export|erase` on the same library as the admin API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway import identity
from gateway.cli import main as cli
from tests.privacy.conftest import NOTICE, unique_customer

pytestmark = [pytest.mark.rasa, pytest.mark.redis]


def test_export_then_erase_from_the_command_line(privacy_gateway, secret, redis_url, key_prefix,  # type: ignore[no-untyped-def]
                                                 monkeypatch, capsys, tmp_path: Path) -> None:
    customer_id = unique_customer()
    created = privacy_gateway.post("/api/v1/conversations", json={
        "locale": "ko", "customer_id": customer_id, "user_hash": identity.user_hash(secret, customer_id),
        "consent": {"notice_version": NOTICE, "personalisation": True}}).json()
    for name, value in {"REDIS_URL": redis_url, "KEY_PREFIX": key_prefix, "IDENTITY_SECRET": secret,
                        "INSIGHTS_DB": str(tmp_path / "insights.sqlite3")}.items():
        monkeypatch.setenv(f"SHOPASSIST_{name}", value)

    assert cli(["privacy", "export", customer_id]) == 0
    document = json.loads(capsys.readouterr().out)
    [conversation] = document["conversations"]
    assert conversation["id"] == created["conversation_id"]
    consent = next(v for k, v in conversation["keys"].items() if k.endswith(":consent"))
    assert consent[0]["notice_version"] == NOTICE and consent[0]["choices"] == {"personalisation": True}
    assert "token_hash" not in json.dumps(document)

    assert cli(["privacy", "erase", customer_id]) == 0
    assert json.loads(capsys.readouterr().out)["conversations"] == 1
    assert cli(["privacy", "erase", customer_id]) == 1
    assert f"no data is held about customer '{customer_id}'" in capsys.readouterr().err
