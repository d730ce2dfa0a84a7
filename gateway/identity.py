"""Identity verification: a shop proves a customer id with an HMAC of it (as Intercom does).

The shop's backend computes ``user_hash = HMAC-SHA256(secret, customer_id)`` and puts it in
the page; without the secret nobody can claim to be another customer.
"""

from __future__ import annotations

import hashlib
import hmac


def user_hash(secret: str, customer_id: str) -> str:
    return hmac.new(secret.encode(), customer_id.encode(), hashlib.sha256).hexdigest()


def verify(secret: str, customer_id: str, claimed_hash: str) -> bool:
    return hmac.compare_digest(user_hash(secret, customer_id), claimed_hash.lower())
