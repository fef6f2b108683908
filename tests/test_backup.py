"""An online backup while a writer runs, then the copy served as a site of its own
(SECURITY.md's backup and restore row)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.test_cli import NEWSCENTER, env_with_data_dir

WRITER = """
import django, itertools
django.setup()
from django.utils import timezone
from newscenter.news import services
from newscenter.news.policy import SYSTEM
for n in itertools.count():
    services.article_create(acting_user=SYSTEM, headline=f"Written during the backup {n}",
                            status="published", pub_date=timezone.now())
"""
LISTED = (
    "import json, pathlib; from newscenter.news.models import Article, Image; "
    "print(json.dumps({'articles': Article.objects.published().count(), "
    "'images': [i.file.path for i in Image.objects.all()]}))"
)


def test_a_backup_taken_under_writes_restores_to_a_working_site(tmp_path):
    env = env_with_data_dir(tmp_path / "live")
    subprocess.run([*NEWSCENTER, "setup"], env=env, check=True, capture_output=True)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER],
        env={**env, "DJANGO_SETTINGS_MODULE": "newscenter.settings"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        backup = subprocess.run(
            [*NEWSCENTER, "backup", str(tmp_path / "copy")], env=env, capture_output=True,
            text=True, timeout=120,
        )  # fmt: skip
    finally:
        writer.kill()
        writer.wait()
    assert backup.returncode == 0, backup.stderr
    restored = env_with_data_dir(tmp_path) | {"NEWSCENTER_DATA_DIR": str(tmp_path / "copy")}
    check = subprocess.run(
        [*NEWSCENTER, "shell", "-v", "0", "-c", "import sqlite3; from django.db import connection;"
         " print(connection.cursor().execute('PRAGMA integrity_check').fetchone()[0])"],
        env=restored, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert check.stdout.strip() == "ok"
    found = json.loads(
        subprocess.run([*NEWSCENTER, "shell", "-v", "0", "-c", LISTED], env=restored,
                       capture_output=True, text=True, check=True).stdout
    )  # fmt: skip
    assert found["articles"] >= 11  # the demo's published articles, and any the writer made
    assert found["images"]
    for path in found["images"]:
        assert path.startswith(str(tmp_path / "copy")), path
        assert open(path, "rb").read(4), path  # noqa: SIM115
    # A copy taken between a commit and the work that follows it has that work waiting in
    # its outbox: the restored site's worker does it.
    subprocess.run([*NEWSCENTER, "worker", "--once"], env=restored, check=True,
                   capture_output=True)  # fmt: skip
    doctor = subprocess.run([*NEWSCENTER, "doctor"], env=restored, capture_output=True, text=True)
    assert doctor.returncode == 0, doctor.stdout
    again = subprocess.run([*NEWSCENTER, "backup", str(tmp_path / "copy")], env=env,
                           capture_output=True, text=True)  # fmt: skip
    assert again.returncode == 1
    assert "exists already" in again.stderr
