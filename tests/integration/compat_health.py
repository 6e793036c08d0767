"""Compatibility fields of GET /health (reference §2.2): the original's
status and timestamp; the timestamp is an instant (C13)."""
SPECS = [
    ("/health", {"status": "str", "timestamp": "instant"}),
]
