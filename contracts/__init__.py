"""What the processes agree on: Redis key names, the turn-signal shape, the shared settings and the
shop's figures (shop_facts.yml).

Standard library only (plus PyYAML for the facts file), so the gateway, the action server and the
libraries can all import it.
"""
