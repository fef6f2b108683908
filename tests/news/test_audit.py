"""One audit trail: every service writes the same shape, and nobody acts as "no one"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied

from newscenter.news import services
from newscenter.news.models import AuditEntry
from newscenter.news.policy import SYSTEM
from tests.builders import make_article, make_image, make_user
from tests.conftest import REPO

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "write",
    [
        lambda: services.article_create(acting_user=None, headline="Nobody wrote this"),
        lambda: services.section_get_or_create(name="Nobody's section", acting_user=None),
        lambda: services.site_settings_update(acting_user=None, tagline="Nobody's words"),
        lambda: services.image_update(image=make_image(), acting_user=None, alt="Nobody's"),
    ],
)
def test_forgetting_the_acting_user_is_an_error_not_every_right(write):
    with pytest.raises(TypeError, match="SYSTEM"):
        write()


def test_an_anonymous_visitor_may_do_nothing():
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied, match="anonymous visitor"):
        services.article_create(acting_user=AnonymousUser(), headline="From outside")


def test_the_system_is_recorded_as_no_one():
    article = services.article_create(acting_user=SYSTEM, headline="Loaded by the operator")
    entry = AuditEntry.objects.get(action="create")
    assert (entry.actor, entry.article) == (None, article)


def test_every_write_that_is_not_to_an_article_names_its_row_the_same_way():
    editor = make_user(role="editor")
    administrator = make_user(role="administrator")
    section = services.section_get_or_create(name="Plants", acting_user=editor)
    image = make_image()
    services.image_update(image=image, acting_user=editor, alt="The press shop")
    services.site_settings_update(acting_user=administrator, tagline="Valves since 1921")
    link, _ = services.review_link_create(
        article=make_article(status="draft", pub_date=None),
        acting_user=editor,
        expires=dt.timedelta(hours=1),
    )
    expected = {
        "section.create": ("section", section.pk, "Plants"),
        "image.update": ("image", image.pk, "The press shop"),
        "site.settings": ("sitesettings", 1, "newscenter"),
        "review_link.create": ("reviewlink", link.pk, str(link)),
    }
    for action, (model, pk, name) in expected.items():
        detail = AuditEntry.objects.get(action=action).detail
        assert (detail["model"], detail["id"], detail["name"]) == (model, pk, name), action


def test_only_the_audit_module_writes_audit_entries():
    """Services call news.audit.audit_record; a direct create elsewhere would bring back
    entries of a shape of their own."""
    source = REPO / "src" / "newscenter"
    writers = sorted(
        str(path.relative_to(source))
        for path in source.rglob("*.py")
        if "migrations" not in path.parts
        and re.search(r"AuditEntry\.objects\.(bulk_)?create", path.read_text())
    )
    assert writers == ["news/audit.py"]
