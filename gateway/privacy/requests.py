"""Data-subject requests (export, erase) assembled once, for the admin API and the CLI alike."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from gateway import identity
from gateway.privacy.erase import Eraser, SubjectEvents
from gateway.privacy.export import Exporter
from gateway.privacy.holdings import Locator
from handoff import HandoffQueue


@dataclass(frozen=True)
class PrivacyRequests:
    exporter: Exporter
    eraser: Eraser


def privacy_requests(redis: Redis, prefix: str, queue: HandoffQueue, insights: SubjectEvents | None,
                     identity_secret: str) -> PrivacyRequests:
    locator = Locator(redis, prefix)

    def subject_of(customer_id: str) -> str:
        """The insights store's pseudonymous key, the same HMAC the shop's user_hash is."""
        return identity.user_hash(identity_secret, customer_id)

    return PrivacyRequests(Exporter(locator, queue, insights, subject_of),
                           Eraser(locator, queue, insights, subject_of))
