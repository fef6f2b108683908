"""Plain builders for tests: real objects through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
import pkgutil
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils import timezone

from newscenter.news import services
from newscenter.news.models import Article
from newscenter.news.policy import SYSTEM

_counter = itertools.count(1)


def make_article(**fields) -> Article:
    """An article through the real service, published an hour ago unless told otherwise."""
    n = next(_counter)
    defaults = {
        "headline": f"Plant {n} opens its doors",
        "standfirst": f"Standfirst number {n}.",
        "body": f"<p>Body of article {n}.</p>",
        "status": Article.Status.PUBLISHED,
        "pub_date": timezone.now() - dt.timedelta(hours=1),
    }
    return services.article_create(acting_user=SYSTEM, **(defaults | fields))


def png_upload(width: int = 640, height: int = 480, *, name: str = "press.png", color="navy"):
    """A PNG file as a browser uploads it, drawn with Pillow."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as Pillow

    buffer = io.BytesIO()
    Pillow.new("RGB", (width, height), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def make_image(
    width: int = 1200,
    height: int = 800,
    *,
    alt: str = "A test picture",
    color="steelblue",
    **fields,
):
    """A library image through the real service (renditions and all), drawn with Pillow."""
    import io

    from PIL import Image as Pillow

    from newscenter.news.services.images import image_create

    buffer = io.BytesIO()
    Pillow.new("RGB", (width, height), color).save(buffer, format="PNG")
    return image_create(file_or_bytes=buffer.getvalue(), alt=alt, acting_user=SYSTEM, **fields)


def make_user(*, role: str | None = None, username: str | None = None, **fields):
    """A user holding ``role`` ("contributor", "editor", "administrator") or none; staff
    when they hold one, as the role service makes them."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from newscenter.news.policy import Role

    model = get_user_model()
    username = username or f"{role or 'user'}-{model.objects.count() + 1}"
    user = model.objects.create_user(
        username=username, password="correct horse battery staple", is_staff=bool(role), **fields
    )
    if role:
        name = Role.parse(role).group_name
        if not Group.objects.filter(name=name).exists():
            _remake_roles()
        user.groups.add(Group.objects.get(name=name))
    return user


def _remake_roles() -> None:
    """The role groups again, as their migrations make them: a transactional test's flush
    (browser tests) empties every table, migration-made rows included."""
    from importlib import import_module

    from django.apps import apps

    from newscenter.news import migrations

    # 0006 marks each app as having models while it makes permissions, then clears the mark:
    # on the live registry that mark must be put back as it was.
    marks = {config: config.models_module for config in apps.get_app_configs()}
    try:
        roles = import_module("newscenter.news.migrations.0006_roles")
        roles.create_roles(apps, None)
        # Each later migration that opens a model's pages to the roles has a "grant".
        for name in sorted(m.name for m in pkgutil.iter_modules(migrations.__path__)):
            migration = import_module(f"newscenter.news.migrations.{name}")
            if name > "0006" and hasattr(migration, "grant"):
                migration.grant(apps, None)
    finally:
        for config, mark in marks.items():
            config.models_module = mark


def sqlite_steps(request: Callable[[], Any]) -> int:
    """SQLite's virtual machine steps while ``request()`` runs, in hundreds: the work the
    database did, whatever the machine's speed."""
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    connection.ensure_connection()
    connection.connection.set_progress_handler(tick, 100)
    try:
        request()
    finally:
        connection.connection.set_progress_handler(None, 100)
    return steps[0]
