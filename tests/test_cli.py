"""The `newscenter` command line: import, setup, serve, and the environment it honours."""

import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from newscenter.news.models import Article
from tests.conftest import SEED

NEWSCENTER = [sys.executable, "-m", "newscenter"]


def run(*args: str, out=None) -> str:
    out = out or io.StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def seed_path(seed_text) -> str:
    return str(SEED)


@pytest.mark.django_db
def test_import_seed_creates_one_article_and_is_idempotent(seed_path, seed_text):
    lines = [line.strip() for line in seed_text.splitlines() if line.strip()]
    output = run("import", seed_path)
    assert "1 created, 0 updated, 0 skipped, 0 failed" in output
    article = Article.objects.get()
    assert article.headline == lines[3]
    assert article.pub_day.isoformat() == "2023-11-28"
    assert article.standfirst == lines[5]
    assert article.body.count("<p>") == 9
    assert article.status == "draft"  # the default: nothing goes live unasked
    again = run("import", seed_path)
    assert "0 created, 0 updated, 1 skipped, 0 failed" in again
    assert "unchanged" in again
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_import_status_source_publishes_dated_items_and_help_says_drafts(seed_path, tmp_path):
    run("import", seed_path, "--status", "source")
    assert Article.objects.get().status == "published"
    usage = subprocess.run(
        [*NEWSCENTER, "import", "--help"],
        env=env_with_data_dir(tmp_path), capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Default: draft (nothing goes live unasked)" in " ".join(usage.split())


@pytest.mark.django_db
def test_import_dry_run_json_writes_nothing(seed_path, seed_text):
    data = json.loads(run("import", seed_path, "--dry-run", "--json"))
    assert data["errors"] == []
    [item] = data["articles"]
    assert item["headline"] == [line for line in seed_text.splitlines() if line.strip()][3]
    assert item["pub_date"].startswith("2023-11-28T00:00:00")
    assert item["body_html"].count("<p>") == 9
    assert {"standfirst", "source_url"} <= item.keys()
    assert set(item["confidence"]) == {"headline", "date", "standfirst", "body", "article"}
    assert item["confidence"]["headline"] > 0.6
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_import_anyway_takes_a_page_refused_as_not_an_article(tmp_path):
    listing = tmp_path / "listing.txt"
    listing.write_text(
        "Company news\n\n"
        + "".join(
            f"Harbour crane number {n} enters service\n\n"
            f"The crane lifts forty tonnes and was built at our yard in {n} months of work.\n\n"
            for n in range(2, 6)
        ),
        encoding="utf-8",
    )
    said = io.StringIO()
    with pytest.raises(CommandError, match="1 source"):
        run("import", str(listing), out=said)
    assert "not an article: a listing of 4 headlines" in said.getvalue()
    assert not Article.objects.exists()
    out = run("import", str(listing), "--anyway", "--dry-run")
    assert "imported although a listing of 4 headlines" in out
    assert "article 0.30]" in out
    run("import", str(listing), "--anyway")
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_import_into_a_section_as_draft(seed_path):
    run("import", seed_path, "--section", "Industry news", "--status", "draft")
    article = Article.objects.get()
    assert article.section.name == "Industry news"
    assert article.status == "draft"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"   \n\n  ", "empty"), (b"\x00\x01\x02binary\x00", "")],
)
def test_import_bad_files_fail_clearly_and_write_nothing(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 source\\(s\\) failed"):
        call_command("import", str(bad), stdout=out, stderr=out)
    assert str(bad) in out.getvalue()
    assert message in out.getvalue().lower()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_one_bad_file_does_not_stop_the_good_one(tmp_path, seed_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(bad), seed_path, stdout=out, stderr=out)
    assert "1 created, 0 updated, 0 skipped, 1 failed" in out.getvalue()
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_import_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run("import", str(tmp_path / "missing.txt"))
    with pytest.raises(CommandError, match="invalid choice"):
        run("import", str(tmp_path), "--format", "docx")


@pytest.mark.django_db
def test_setup_creates_an_admin_once_and_prints_its_password():
    output = run("setup", "--no-demo")
    line = next(line for line in output.splitlines() if "password" in line)
    password = line.rsplit(": ", 1)[1]
    # With the request a login comes with: django-axes throttles logins per address.
    assert authenticate(RequestFactory().post("/"), username="admin", password=password)
    second = run("setup", "--no-demo")
    assert "exists already" in second
    assert password not in second


def env_with_data_dir(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEWSCENTER_"))}
    # These processes migrate, import and commit outside the test's transaction, and some expect
    # an empty, unmigrated database: a SQLite file of their own, whatever the suite runs on.
    env.pop("DATABASE_URL", None)
    env.pop("CACHE_URL", None)  # and a fresh install's own cache, not the suite's Redis
    return env | {"NEWSCENTER_DATA_DIR": str(tmp_path / "data"), **extra}


def test_console_script_and_module_run_management_commands(tmp_path):
    env = env_with_data_dir(tmp_path)
    script = os.path.join(os.path.dirname(sys.executable), "newscenter")
    for command in ([script, "help"], [*NEWSCENTER, "help"]):
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        for name in ("import", "serve", "setup", "demo", "migrate", "createsuperuser"):
            assert name in result.stdout


def test_cli_writes_where_the_site_reads(tmp_path, seed_path):
    env = env_with_data_dir(tmp_path)
    subprocess.run([*NEWSCENTER, "migrate", "-v0"], env=env, check=True)
    imported = subprocess.run(
        [*NEWSCENTER, "import", seed_path, "--status", "source"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "1 created" in imported.stdout
    data = tmp_path / "data"
    assert (data / "newscenter.sqlite3").exists()
    assert oct((data / "secret_key").stat().st_mode & 0o777) == "0o600"
    count = subprocess.run(
        [*NEWSCENTER, "shell", "-c", "from newscenter.news.models import Article; "
         "print(Article.objects.published().count())"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert count.stdout.strip().splitlines()[-1] == "1"


def test_bad_environment_fails_loudly(tmp_path):
    env = env_with_data_dir(tmp_path, DATABASE_URL="nosuchdb://x")
    result = subprocess.run([*NEWSCENTER, "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "nosuchdb" in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_granian_with_whitenoise_and_the_worker(tmp_path):
    port = free_port()
    env = env_with_data_dir(tmp_path, NEWSCENTER_HTTPS="false", PORT=str(port))
    subprocess.run([*NEWSCENTER, "setup"], env=env, check=True, capture_output=True)
    server = subprocess.Popen(
        [*NEWSCENTER, "serve", "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()
    try:
        page = _get_when_up(f"http://127.0.0.1:{port}/news/")
        assert page.status == 200
        html = page.read().decode()
        assert "Kesselmark" in html
        css = html.split('rel="stylesheet" href="')[1].split('"')[0]
        assert css.startswith("/static/newscenter/site.")
        assert css != "/static/newscenter/site.css"  # hashed name from the manifest
        static = urllib.request.urlopen(f"http://127.0.0.1:{port}{css}")
        assert "immutable" in static.headers["Cache-Control"]
        # Static files get the headers pages get: a file opened on its own may do nothing.
        assert static.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert static.headers["X-Frame-Options"] == "DENY"
        assert static.headers["Permissions-Policy"].startswith("camera=()")
        assert static.headers["X-Content-Type-Options"] == "nosniff"
        assert "max-age=315360000" in static.headers["Cache-Control"]
        for encoding in ("br", "gzip"):  # precompressed by collectstatic
            asked = urllib.request.Request(
                f"http://127.0.0.1:{port}{css}", headers={"Accept-Encoding": encoding}
            )
            assert urllib.request.urlopen(asked).headers["Content-Encoding"] == encoding
        # The page cache works across requests in the real server: the second read is a hit.
        assert page.headers["X-Page-Cache"] == "miss"
        again = urllib.request.urlopen(f"http://127.0.0.1:{port}/news/")
        assert again.headers["X-Page-Cache"] == "hit"
        assert again.read().decode() == html
        deadline = time.monotonic() + 60  # the worker starts beside the server
        while not any("Worker running" in line for line in lines) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=10)
    assert "granian" in page.headers["Server"]
    assert any("Worker running" in line for line in lines), lines


def _get_when_up(url: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return urllib.request.urlopen(url)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.django_db
def test_import_a_folder_with_a_summary_table(tmp_path, seed_text):
    folder = tmp_path / "pages"
    (folder / "2023").mkdir(parents=True)
    (folder / "2023" / "seed.txt").write_text(seed_text)
    (folder / ".hidden").write_text("not imported")
    (folder / "2023" / ".draft.txt").write_text("not imported either")
    (folder / "2023" / "photo.jpg").write_bytes(b"\xff\xd8 not an article")
    (folder / "node_modules").mkdir()
    (folder / "node_modules" / "notes.txt").write_text("a dependency, not news")
    (folder / "README.md").write_text("# About this folder")
    output = run("import", str(folder))
    assert "1 created, 0 updated, 0 skipped, 0 failed" in output
    assert "Import summary" in output
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_missing_path_fails_before_anything_is_imported(tmp_path, seed_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        run("import", seed_path, str(tmp_path / "typo.txt"))
    assert not Article.objects.exists()


def test_import_into_an_unmigrated_database_says_what_to_do(tmp_path, seed_path):
    env = env_with_data_dir(tmp_path)
    result = subprocess.run(
        [*NEWSCENTER, "import", seed_path], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "run `newscenter migrate`" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_import_as_a_user_acts_under_their_role(seed_path):
    """Without --user an import is the operator's (the system); with it, the user's role
    decides: a contributor may add drafts, not publish, and is named as their creator."""
    from tests.builders import make_user

    contributor = make_user(role="contributor", username="cora")
    with pytest.raises(CommandError, match="1 source"):
        run("import", seed_path, "--user", "cora", "--status", "source")
    assert not Article.objects.exists()
    output = run("import", seed_path, "--user", "cora")  # drafts: the default
    assert "1 created" in output
    assert Article.objects.get().created_by == contributor
    with pytest.raises(CommandError, match="no user named 'nobody'"):
        run("import", seed_path, "--user", "nobody")


def test_a_commands_heap_is_set_aside_and_its_young_objects_collected_less_often():
    """cli.heap: what the process loaded frozen, and the young generation passed over after
    heap.YOUNG new objects (an import's batch makes hundreds of thousands): in a process of
    its own, since the collector's state is the process's."""
    code = (
        "import gc; from newscenter.cli import heap; gc.set_threshold(700, 11, 12); "
        "heap.set_aside(); print(gc.get_threshold(), gc.get_freeze_count() > 0)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")[0]
    assert out == "(50000, 11, 12) True"
