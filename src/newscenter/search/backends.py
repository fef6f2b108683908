"""The backend for a database connection: chosen by the database, never configured apart."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from newscenter.search.base import Backend


def backend_for(connection) -> Backend:
    if connection.vendor == "sqlite":
        from newscenter.search.sqlite import SqliteBackend

        return SqliteBackend(connection)
    if connection.vendor == "postgresql":
        from newscenter.search.postgres import PostgresBackend

        return PostgresBackend(connection)
    raise ImproperlyConfigured(
        f"newscenter search supports SQLite and PostgreSQL, not {connection.vendor}"
    )


def backend(using: str = "default") -> Backend:
    return backend_for(connections[using])
