"""A clear message instead of a database traceback when the schema is missing or behind."""

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor


def require_migrated() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        raise CommandError(
            f"the database cannot be opened ({exc}): is NEWSCENTER_DATA_DIR writable?"
        ) from None
    if pending:
        raise CommandError(
            f"the database has {len(pending)} migration(s) to apply: "
            "run `newscenter migrate` (or `newscenter setup`) first"
        )
