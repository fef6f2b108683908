"""The durable outbox: a change and its record commit together, and a process killed between
the commit and the work that follows it (indexing, renewing pages) leaves that work waiting
for the worker instead of losing it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from newscenter.news import changes
from newscenter.news.changes import Change, Stage, content_changed
from newscenter.news.models import OutboxCursor, OutboxEntry
from tests.builders import make_article
from tests.test_cli import env_with_data_dir

NEWSCENTER = [sys.executable, "-m", "newscenter"]

# Saves an article, then dies by SIGKILL the moment the transaction has committed: the first
# on-commit callback registered is this one, so it runs before the outbox's delivery.
KILLED_AFTER_COMMIT = """
import os, signal, django
django.setup()
from django.db import transaction
from newscenter.news import services
from newscenter.news.policy import SYSTEM
with transaction.atomic():
    transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
    {write}
"""


def _run(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*NEWSCENTER, *args], env=env, capture_output=True, text=True, timeout=120
    )


def _killed(env, write: str) -> None:
    code = KILLED_AFTER_COMMIT.format(write=write)
    process = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "newscenter.settings"},
        capture_output=True,
        timeout=120,
    )
    assert process.returncode == -signal.SIGKILL, process.stderr


def _search(env, text: str) -> list[str]:
    out = _run(env, "shell", "-v", "0", "-c", (
        "import json; from newscenter.search.searching import SearchRequest, search; "
        "from newscenter.news.models import Article; "
        f"hits = search(SearchRequest({text!r})).hits; "
        "print(json.dumps([Article.objects.get(pk=h.article_id).headline for h in hits]))"
    ))  # fmt: skip
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_a_kill_after_commit_leaves_the_work_to_the_worker(tmp_path):
    env = env_with_data_dir(tmp_path)
    assert _run(env, "migrate", "-v0").returncode == 0
    _killed(env, 'services.article_create(acting_user=SYSTEM, headline="Turbine hall reopens", '
                 'status="published", pub_date=__import__("django.utils.timezone").utils'
                 '.timezone.now())')  # fmt: skip
    assert _search(env, "turbine") == []  # committed, but never indexed
    doctor = _run(env, "doctor")
    assert doctor.returncode == 1
    assert "newscenter.search.index: 1 change(s) waiting" in doctor.stdout
    assert "1 missing" in doctor.stdout
    worker = _run(env, "worker", "--once")
    assert worker.returncode == 0, worker.stderr
    assert "caught up newscenter.search.index: 1 change(s)" in worker.stdout
    assert _search(env, "turbine") == ["Turbine hall reopens"]
    again = _run(env, "doctor")
    assert again.returncode == 0, again.stdout
    assert "0 missing, 0 extra, 0 stale" in again.stdout


def test_a_killed_edit_is_indexed_by_the_worker_not_left_a_revision_behind(tmp_path):
    env = env_with_data_dir(tmp_path)
    assert _run(env, "migrate", "-v0").returncode == 0
    created = _run(env, "shell", "-v", "0", "-c", (
        "from django.utils import timezone; from newscenter.news import services; "
        "from newscenter.news.policy import SYSTEM; services.article_create(acting_user=SYSTEM, "
        "headline='Pump line opens', status='published', pub_date=timezone.now())"
    ))  # fmt: skip
    assert created.returncode == 0, created.stderr
    _killed(env, "from newscenter.news.models import Article\n    "
                 "services.article_update(article=Article.objects.get(), acting_user=SYSTEM, "
                 "headline='Compressor line opens')")  # fmt: skip
    assert _search(env, "compressor") == []
    assert "1 stale" in _run(env, "doctor").stdout
    assert _run(env, "worker", "--once").returncode == 0
    assert _search(env, "compressor") == ["Compressor line opens"]
    assert _search(env, "pump") == []


pytestmark_db = pytest.mark.django_db(transaction=True)


@pytestmark_db
def test_a_change_and_its_entry_commit_together_or_not_at_all():
    with pytest.raises(RuntimeError), _rolled_back():
        make_article(headline="Never saved")
    assert not OutboxEntry.objects.exists()
    article = make_article(headline="Saved")
    [entry] = OutboxEntry.objects.all()
    assert (entry.articles, entry.kinds) == ([article.pk], ["article"])
    assert entry.events == [["article.create", article.pk]]


class _rolled_back:
    def __enter__(self):
        from django.db import transaction

        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, *exc):
        self.atomic.__exit__(RuntimeError, RuntimeError("rolled back"), None)
        raise RuntimeError("rolled back")


@pytestmark_db
def test_a_failing_consumer_keeps_its_place_and_catches_up_later():
    heard: list[Change] = []
    broken = {"yes": True}

    def flaky(change: Change) -> None:
        if broken["yes"]:
            raise RuntimeError("the index is down")
        heard.append(change)

    content_changed.connect(flaky, stage=Stage.INDEX, uid="tests.flaky")
    try:
        first = make_article(headline="First")
        assert heard == []
        assert "the index is down" in OutboxCursor.objects.get(consumer="tests.flaky").last_error
        broken["yes"] = False
        second = make_article(headline="Second")  # its delivery catches up the first too
    finally:
        content_changed.disconnect("tests.flaky")
    assert [change.articles for change in heard] == [{first.pk, second.pk}]
    assert OutboxCursor.objects.get(consumer="tests.flaky").last_error == ""


@pytestmark_db
def test_consumed_entries_are_pruned_after_a_week(time_machine):
    import datetime as dt

    from django.utils import timezone

    time_machine.move_to(timezone.now() - dt.timedelta(days=8))
    make_article(headline="Old news")
    time_machine.move_to(timezone.now() + dt.timedelta(days=8))
    make_article(headline="New news")
    assert changes.prune() == 1
    assert OutboxEntry.objects.count() == 1


@pytestmark_db
def test_doctor_passes_when_everything_is_in_step():
    make_article(headline="Indexed at once")
    call_command("doctor", stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytestmark_db
def test_doctor_fails_when_the_index_differs():
    make_article(headline="Indexed at once")
    from newscenter.search.backends import backend

    backend().clear()
    with pytest.raises(CommandError, match="not in step"):
        call_command("doctor", stdout=open(os.devnull, "w"))  # noqa: SIM115
