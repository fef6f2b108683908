"""Each PostgreSQL session of the app runs with JIT compilation off (news.sessions): its
compiling cost the desk's searches at a million articles more than their running."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),  # a connection closed and opened again
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting"),
]


def _jit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


def test_every_session_runs_without_jit():
    assert _jit() == "off"
    # A session of its own, as each server process opens: set up too.
    connection.close()
    connection.ensure_connection()
    assert _jit() == "off"
