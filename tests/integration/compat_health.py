"""Compatibility fields of GET /health (reference §2.2): the original's
status and timestamp; the timestamp is an instant (C13).  GET /version
(§2.3): the original's description of the deployment, deployed_at an
instant (C13)."""
SPECS = [
    ("/health", {"status": "str", "timestamp": "instant"}),
    ("/version", {
        "service": "str",
        "version": "str",
        "deployed_at": "instant",
        "historical_table_columns": "str",
        "logger_names": "str",
        "git_commit": "str",
        "checks.database_url_configured": "bool",
        "checks.supabase_configured": "bool",
        "checks.historical_table": "str",
    }),
]
