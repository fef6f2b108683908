"""The Nu HTML Checker (npm ``vnu-jar``, `make node-tools`) over every public page type and
the desk's main screens, in one Java run: zero errors on the public site, and on the desk none
beyond the few Django's own admin widgets make (``KNOWN_DESK_ERRORS``, which may only shrink).

A planted invalid page goes through the same run, so a checker that stopped reporting would
fail the suite rather than pass it.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse

from newscenter.demo.loader import load_demo
from newscenter.news.models import (
    Article,
    Attachment,
    Author,
    Image,
    Section,
    SiteSettings,
    Tag,
)
from newscenter.news.policy import SYSTEM
from newscenter.news.services import accounts, attachments
from newscenter.news.services.review_links import review_link_create
from tests.builders import make_article
from tests.conftest import REPO, https_client, staff_login

pytestmark = [pytest.mark.validator, pytest.mark.django_db]

VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = "/usr/bin/java"

# (screen, message) pairs the desk may still show, each from Django's admin rather than from
# our templates. The list may only shrink: an entry no longer reported fails the test too.
KNOWN_DESK_ERRORS: set[tuple[str, str]] = set()

# Every kind of body block the desk inserts (news.blocks), as the allow-list stores them.
BLOCKS = (
    "<p>The line started.</p>"
    '<figure class="video-embed"><a href="https://youtu.be/dQw4w9WgXcQ">Line 4 runs</a></figure>'
    '<figure class="pull-quote"><blockquote><p>We doubled it.</p></blockquote>'
    "<figcaption>Ann Example</figcaption></figure>"
    "<table><tbody><tr><th><p>Quarter</p></th><th>Units</th></tr>"
    "<tr><th>Q1</th><td>4,200</td></tr></tbody></table>"
)

PLANTED = '<!doctype html><html lang="en"><title>x</title><p><div>x</div></p><time datetime="no">'


def public_pages() -> dict[str, str]:
    with_source = Article.objects.published().exclude(source_url="").first()
    with_image = Article.objects.published().exclude(lead_image=None).first()
    plain = Article.objects.published().filter(lead_image=None, source_url="").first()
    section, tag, author = Section.objects.first(), Tag.objects.first(), Author.objects.first()
    newest = Article.objects.published().order_by("-pub_date").first()
    _, token = review_link_create(
        article=Article.objects.exclude(status="published").first() or newest,
        acting_user=SYSTEM,
        expires=dt.timedelta(hours=1),
    )
    pages = {
        "index": reverse("news:index"),
        "index-older": reverse("news:index-older", kwargs={"after": newest.pk}),
        "article-republished": with_source.get_absolute_url(),
        "article-with-image": with_image.get_absolute_url(),
        "section": section.get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "author": author.get_absolute_url(),
        "search-empty": reverse("news:search"),
        "search": reverse("news:search") + "?q=valves",
        "search-nothing": reverse("news:search") + "?q=zzyzx&section=" + section.slug,
        "search-bad-page": reverse("news:search") + "?q=x&page=abc",
        "review": reverse("news:review", kwargs={"token": token}),
        "not-found": "/news/no-such-page/",
        "sign-in": reverse("accounts:login"),
        "password-reset": reverse("accounts:password-reset"),
    }
    if plain is not None:
        pages["article-plain"] = plain.get_absolute_url()
    report = attachments.attachment_create(upload=b"%PDF-1.4\n%%EOF\n", acting_user=SYSTEM)
    linked = f'<p><a href="{report.file.url}">The annual report</a></p>'
    poster = (  # a video whose poster is a library image, shown through its renditions
        '<figure class="video-embed"><a href="https://vimeo.com/76979871">'
        f'<img src="{Image.objects.first().file.url}" alt="">The tour</a></figure>'
    )
    body = BLOCKS + poster + linked
    pages["article-with-blocks"] = make_article(body=body).get_absolute_url()
    # The demo's other editions, with a section named in German and the search in Chinese.
    pages["german-index"] = "/de/news/"
    pages["german-section"] = "/de" + section.get_absolute_url()
    pages["chinese-search"] = "/zh-hans/news/search/?q=" + quote("阀门")
    return pages


def desk_pages(editor) -> dict[str, str]:
    article = Article.objects.published().exclude(lead_image=None).first()
    pages = {
        "desk-index": reverse("admin:index"),
        "article-list": reverse("admin:news_article_changelist"),
        "article-add": reverse("admin:news_article_add"),
        "article-change": reverse("admin:news_article_change", args=[article.pk]),
        "article-revisions": reverse("admin:news_article_revisions", args=[article.pk]),
        "article-review-links": reverse("admin:news_article_review_links", args=[article.pk]),
        "article-import": reverse("admin:news_article_import"),
        "image-list": reverse("admin:news_image_changelist"),
        "image-change": reverse("admin:news_image_change", args=[Image.objects.first().pk]),
        "section-list": reverse("admin:news_section_changelist"),
        "section-change": reverse("admin:news_section_change", args=[Section.objects.first().pk]),
        "tag-list": reverse("admin:news_tag_changelist"),
        "author-change": reverse("admin:news_author_change", args=[Author.objects.first().pk]),
        "site-settings": reverse(
            "admin:news_sitesettings_change", args=[SiteSettings.objects.get().pk]
        ),
        "user-list": reverse("admin:auth_user_changelist"),
        "user-change": reverse("admin:auth_user_change", args=[editor.pk]),
        "audit": reverse("admin:news_auditentry_changelist"),
        "attachment-list": reverse("admin:news_attachment_changelist"),
        "attachment-replace": reverse(
            "admin:news_attachment_replace", args=[Attachment.objects.first().pk]
        ),
        "trusted-devices": reverse("accounts:trusted-devices"),
        "translations": reverse("admin:news_article_translations"),
    }
    accounts.trusted_device_add(user=editor, label="Firefox on Windows", days=30)
    return pages


def nu_check(files: list[Path]) -> dict[str, set[str]]:
    """Error messages by file name, from one run of the checker over ``files``."""
    if not Path(JAVA).exists() or not VNU_JAR.exists():
        pytest.fail(f"{JAVA} or {VNU_JAR} is missing: `make test` installs both")
    run = subprocess.run(
        [JAVA, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--exit-zero-always",
         *map(str, files)],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    errors: dict[str, set[str]] = {}
    for message in json.loads(run.stderr)["messages"]:
        if message["type"] == "error" or message.get("subType") == "fatal":
            name = Path(message["url"].removeprefix("file:")).stem
            errors.setdefault(name, set()).add(message["message"])
    return errors


def test_public_pages_and_desk_screens_are_valid_html(tmp_path, admin_user, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    load_demo(acting_user=SYSTEM)
    reader, editor = https_client(), staff_login(https_client(), admin_user)
    files = []
    for client, pages in ((reader, public_pages()), (editor, desk_pages(admin_user))):
        for name, path in pages.items():
            response = client.get(path)
            assert response.status_code in (200, 400, 404), (name, path, response.status_code)
            files.append(tmp_path / f"{name}.html")
            files[-1].write_bytes(response.content)
    planted = tmp_path / "planted.html"
    planted.write_text(PLANTED)

    errors = nu_check([*files, planted])

    assert errors.pop("planted"), "the checker reported nothing on an invalid page"
    desk = set(desk_pages(admin_user))
    public = {name: messages for name, messages in errors.items() if name not in desk}
    assert public == {}
    on_desk = {(name, m) for name, messages in errors.items() if name in desk for m in messages}
    assert on_desk <= KNOWN_DESK_ERRORS, sorted(on_desk - KNOWN_DESK_ERRORS)
    fixed = sorted(KNOWN_DESK_ERRORS - on_desk)
    assert not fixed, f"fixed, so remove from KNOWN_DESK_ERRORS: {fixed}"
