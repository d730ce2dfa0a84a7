"""Proactive prompts: behaviour events in, timely prompts out, never pestering.

`rules` loads the YAML rules, `engine` decides (pure, clock-driven), `ledger` counts the
limits atomically in Redis, `visitors` keeps visitor state, `delivery` hands prompts to Rasa,
`report` measures shown vs holdout.  Documented in docs/proactive.md.
"""
