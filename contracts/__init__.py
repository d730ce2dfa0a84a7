"""What the processes agree on: Redis key names, the turn-signal shape and the shared settings.

Standard library only, so the gateway, the action server and the libraries can all import it.
"""
