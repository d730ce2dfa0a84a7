"""`rasa run` with its API token read from the environment, so no secret shows in `ps`.

Rasa takes its token only as ``--auth-token``; this launcher adds it to Rasa's own argument
list inside the process, where the process list never sees it, and drops it from the
environment so nothing Rasa starts inherits it.  Usage: ``python -m rasa_addons.serve <rasa
run arguments>`` with ``SHOPASSIST_RASA_TOKEN`` set.
"""

from __future__ import annotations

import os
import sys

from contracts.settings import MIN_SECRET_CHARS, RASA_TOKEN_ENV


def main() -> None:
    token = os.environ.pop(RASA_TOKEN_ENV, "")
    if len(token) < MIN_SECRET_CHARS:
        sys.exit(f"{RASA_TOKEN_ENV} is missing or shorter than {MIN_SECRET_CHARS} characters: "
                 "`shopassist run` sets it from var/secrets.env")
    # "--auth-token=<token>": a token that begins with "-" is never taken for an option
    sys.argv = ["rasa", "run", *sys.argv[1:], f"--auth-token={token}"]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
