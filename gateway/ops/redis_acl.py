"""Least-privilege Redis ACL users for the processes of one deployment (docs/security.md).

Each process connects as its own user (``SHOPASSIST_REDIS_URL=redis://<user>:<password>@…``
or ``rediss://`` with TLS), limited to the keys and channels of the deployment's key prefix:

- gateway: our keys and channels, the handoff queue's, and Rasa's trackers (erasure and
  retention delete them); every command but the dangerous ones (FLUSHALL, KEYS, CONFIG, …).
- actions: the same keys and commands (the handoff queue, feedback, the shop's customer
  issues); it never needs Rasa's trackers.
- rasa: only its tracker and lock keys, with the five commands its stores send.

The test suite runs on a Redis started with exactly these users (tests/conftest.py), so a
command or key a process needs and these rules lack fails the tests, not production.
"""

from __future__ import annotations

from contracts.keys import RedisKeys
from handoff.keys import Keys as HandoffKeys

ROLES = ("gateway", "actions", "rasa")


def rules(prefix: str) -> dict[str, str]:
    """ACL rules per process (after ``user <name> on >password``) for key prefix `prefix`."""
    keys, queue = RedisKeys(prefix), HandoffKeys(prefix).tag + "*"
    ours = f"~{keys.all_keys()} ~{queue} &{keys.all_keys()} &{queue}"
    rasa_keys = f"~{keys.rasa_tracker('*')} ~{keys.rasa_lock('*')}"
    return {
        "gateway": f"resetkeys resetchannels {ours} {rasa_keys} +@all -@dangerous",
        "actions": f"resetkeys resetchannels {ours} +@all -@dangerous",
        "rasa": f"resetkeys resetchannels {rasa_keys} -@all +auth +hello +select +ping +get +set +del",
    }


def acl_file(prefix: str, passwords: dict[str, str]) -> str:
    """The users as a Redis ACL file (``aclfile``), the default user off."""
    lines = ["user default off"]
    lines += [f"user {role} on >{passwords[role]} {rule}" for role, rule in rules(prefix).items()]
    return "\n".join(lines) + "\n"
