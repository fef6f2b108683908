"""What each PostgreSQL session of the app is set to, once, when the session starts.

**JIT compilation off.** PostgreSQL compiles a query's expressions to machine code when the
planner's cost estimate passes ``jit_above_cost``. The estimate of a filter over a large
table passes it at once, and the desk's queries are such filters with a LIMIT: at a million
articles the date hierarchy of a search spent 351 ms compiling and 63 ms running
(``bench/desk.py``), and a page of a search 14 ms compiling. No query of the app reads enough
rows for the compiled code to pay back its compiling.

A ``SET`` on each new connection, not a startup option in ``DATABASE_URL``: PgBouncer (session
mode, docs/deploy.md) refuses startup options it does not know.
"""

from __future__ import annotations

import weakref
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

# The connections already set up (a pooled connection serves many requests).
_SET_UP: weakref.WeakSet[Any] = weakref.WeakSet()


def set_up(sender: type, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created``: a new PostgreSQL session gets the settings above."""
    if connection.vendor != "postgresql":
        return
    raw = connection.connection
    if raw in _SET_UP:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    _SET_UP.add(raw)
