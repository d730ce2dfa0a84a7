"""Development secrets generated on first `make run`, kept in var/secrets.env.

A production deployment sets SHOPASSIST_RASA_TOKEN, SHOPASSIST_IDENTITY_SECRET and
SHOPASSIST_PROACTIVE_SHOP_SECRET itself;
missing ones are generated once and read back by the settings (the file is one of their
env files), so the gateway, Rasa and the CLI all agree without anyone copying tokens.
"""

from __future__ import annotations

import os
import secrets

from gateway.settings import SECRETS_FILE, Settings


def ensure(settings: Settings) -> bool:
    """Generate whichever secrets are missing; True when the file changed."""
    names = {"rasa_token": "SHOPASSIST_RASA_TOKEN", "identity_secret": "SHOPASSIST_IDENTITY_SECRET",
             "proactive_shop_secret": "SHOPASSIST_PROACTIVE_SHOP_SECRET"}
    missing = [env for field, env in names.items() if not getattr(settings, field).get_secret_value()]
    if not missing:
        return False
    SECRETS_FILE.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(SECRETS_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a") as file:
        for env in missing:
            file.write(f"{env}={secrets.token_urlsafe(32)}\n")
    return True
