"""When the bot hands a conversation to a person, and what the person receives."""
