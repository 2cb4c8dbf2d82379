"""The state file: SQLite persistence of messages, conversations' controls, deliveries and meta keys."""
