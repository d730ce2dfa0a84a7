"""Development secrets generated on first `make run`, kept in var/secrets.env.

A production deployment sets the secrets in `GENERATED_SECRETS` itself; missing ones are
generated once and read back by the settings (the file is one of their env files), so the
gateway, Rasa and the CLI all agree without anyone copying tokens.
"""

from __future__ import annotations

import os
import secrets

from contracts.settings import env_name
from gateway.settings import GENERATED_SECRETS, SECRETS_FILE, Settings


def ensure(settings: Settings) -> bool:
    """Generate whichever secrets are missing; True when the file changed."""
    missing = [env_name(name) for name in GENERATED_SECRETS if not getattr(settings, name).get_secret_value()]
    if not missing:
        return False
    SECRETS_FILE.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(SECRETS_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a") as file:
        for env in missing:
            file.write(f"{env}={secrets.token_urlsafe(32)}\n")
    return True
