"""inboxwatch: never silently lose an employer conversation."""

__version__ = "0.1.0"
