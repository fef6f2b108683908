"""Full-text search: one protocol, one backend per database (SQLite FTS5, PostgreSQL)."""
