"""Rasa Open Source add-ons loaded by the Rasa server itself (Python 3.10 runtime)."""
