"""Process tooling: training Rasa, building the FAQ index, finding Redis, secrets, and the supervisor
that `shopassist run` starts everything under. Nothing here imports the message path."""
