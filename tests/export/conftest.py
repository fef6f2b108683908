"""A small News center to export: a section, tags, authors, images, more than a page of
articles, a draft and a scheduled article; and helpers that read the exported folder."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM
from tests.builders import make_article, make_image

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _export_settings(settings, tmp_path):
    # Exported addresses name the host the test client uses, so pages compare byte for byte.
    settings.NEWSCENTER_BASE_URL = "https://testserver"
    settings.STATIC_ROOT = tmp_path / "static"


@pytest.fixture
def site(db, time_machine):
    """The site as it stands at NOW (the clock is frozen there)."""
    time_machine.move_to(NOW, tick=False)
    company = services.section_get_or_create(name="Company news", acting_user=SYSTEM)
    products = services.section_get_or_create(name="Product news", acting_user=SYSTEM)
    plants = services.tag_get_or_create(name="Plants", acting_user=SYSTEM)
    valves = services.tag_get_or_create(name="Valves", acting_user=SYSTEM)
    jana = services.author_get_or_create(name="Jana Oster", acting_user=SYSTEM)
    picture = make_image(alt="The new assembly hall")
    articles = {}
    for n in range(24):  # more than a page (20) in the index and in Company news
        articles[n] = make_article(
            headline=f"Ebersfurt plant {n} doubles its valve output",
            standfirst=f"A second line for gate valves, number {n}, starts in May.",
            pub_date=NOW - dt.timedelta(hours=n + 1),
            section=company if n % 6 else products,
            tags=[plants, valves] if n % 3 == 0 else [plants] if n % 3 == 1 else [],
            authors=[jana] if n % 2 else [],
            lead_image=picture if n == 0 else None,
        )
    body_image = make_image(alt="Pressure test", color="darkred")
    articles["body"] = make_article(
        headline="Pressure test of the largest valve",
        body=f'<p>Before the test.</p><p><img src="{body_image.file.url}" alt="On the rig"></p>',
        pub_date=NOW - dt.timedelta(minutes=30),
        section=company,
    )
    articles["draft"] = make_article(headline="Draft about valves", status="draft", pub_date=None)
    articles["scheduled"] = make_article(
        headline="Scheduled valve news", pub_date=NOW + dt.timedelta(days=1), section=company
    )
    assert articles["scheduled"].status == Article.Status.SCHEDULED
    return articles


def export(directory: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("export", str(directory), *args, stdout=out, stderr=out)
    return out.getvalue()


def snapshot_files(directory: Path) -> dict[str, tuple[int, bytes]]:
    """Every file in the export with its modification time and content."""
    return {
        path.relative_to(directory).as_posix(): (path.stat().st_mtime_ns, path.read_bytes())
        for path in directory.rglob("*")
        if path.is_file()
    }


def now() -> dt.datetime:
    return timezone.now()
