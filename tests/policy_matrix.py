"""The permission matrix: docs/roles.md's table, and a registry of real attempts per surface.

``ATTEMPTS[(action, surface)]`` is a callable ``attempt(actor, case) -> bool`` that tries
the action for real as ``actor`` (through the admin over HTTP, or the command line as
``--user``) and answers whether it was *done*, read back from the database, never from
the response alone. ``case`` says which object it acts on where the policy's answer
depends on it: ``"own"`` / ``"other"`` for "own drafts", ``"own"`` / ``"above"`` for "up to
own role", else ``"any"``. tests/news/test_permissions.py runs every attempt for every
role and compares the outcome with the table.

Other modules' actions join with :func:`register`::

    @register("review_link.create", "cli")
    def _(actor, case): ...
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from newscenter.news import policy
from newscenter.news.models import Article, Section, SiteSettings
from newscenter.news.policy import SYSTEM
from tests.builders import make_article, make_user

ROLES_MD = Path(__file__).resolve().parents[1] / "docs" / "roles.md"
ROLES = ("contributor", "editor", "administrator")
SURFACES = ("admin", "cli", "api")
HEADER = ["action", "contributor", "editor", "administrator"]
CELLS = {
    "yes": True,
    "no": False,
    policy.OWN_DRAFTS: policy.OWN_DRAFTS,
    policy.UP_TO_OWN: policy.UP_TO_OWN,
}


@dataclass
class Actor:
    role: str
    user: Any
    client: Client  # logged in through tests.conftest.staff_login


Attempt = Callable[[Actor, str], bool]
ATTEMPTS: dict[tuple[str, str], Attempt] = {}


def register(action: str, surface: str) -> Callable[[Attempt], Attempt]:
    def add(attempt: Attempt) -> Attempt:
        if action not in policy.POLICY:
            raise KeyError(f"no policy for {action!r}")
        ATTEMPTS[(action, surface)] = attempt
        return attempt

    return add


# --- the table ----------------------------------------------------------------------------


def documented_table(text: str | None = None) -> dict[str, dict[str, bool | str]]:
    """docs/roles.md's policy table: {action: {role: True | False | "own drafts" | ...}}."""
    text = ROLES_MD.read_text(encoding="utf-8") if text is None else text
    rows = [_cells(line) for line in text.splitlines() if line.lstrip().startswith("|")]
    start = rows.index(HEADER)
    table = {}
    for row in rows[start + 1 :]:
        if set("".join(row)) <= set("-: "):
            continue  # the separator row
        action, *cells = row
        table[action.strip("`")] = {
            role: CELLS[cell] for role, cell in zip(ROLES, cells, strict=True)
        }
    return table


def code_table() -> dict[str, dict[str, bool | str]]:
    return {
        action: {role: getattr(rule, role) for role in ROLES}
        for action, rule in policy.POLICY.items()
    }


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def cases(action: str) -> tuple[str, ...]:
    cells = set(code_table()[action].values())
    if policy.OWN_DRAFTS in cells:
        return ("own", "other")
    if policy.UP_TO_OWN in cells:
        return ("own", "above")
    return ("any",)


def expected(cell: bool | str, case: str) -> bool:
    if cell in (policy.OWN_DRAFTS, policy.UP_TO_OWN):
        return case == "own"
    return bool(cell)


# --- helpers --------------------------------------------------------------------------------


def target(actor: Actor, case: str, status: str = "draft", **fields) -> Article:
    """The article an attempt acts on: the actor's own draft for case "own", else one an
    editor wrote; put in ``status`` by the system, as a newsroom's history would leave it."""
    writer = actor.user if case == "own" else make_user(role="editor")
    dates = {
        "published": timezone.now() - dt.timedelta(hours=1),
        "scheduled": timezone.now() + dt.timedelta(days=1),
        "embargoed": timezone.now() + dt.timedelta(days=1),
        "unpublished": timezone.now() - dt.timedelta(days=1),
    }
    article = make_article(status="draft", pub_date=dates.get(status), **fields)
    Article.objects.filter(pk=article.pk).update(created_by=writer, status=status)
    article.refresh_from_db()
    return article


def admin_form(client: Client, url: str) -> dict[str, Any]:
    """The values an admin form shows, as a browser would post them back ({} if refused)."""
    response = client.get(url)
    if response.status_code != 200:
        return {}
    form = BeautifulSoup(response.content, "html.parser").select_one("#content-main form")
    data: dict[str, Any] = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        name = field["name"]
        if field.name == "textarea":
            data[name] = field.text
        elif field.name == "select":
            chosen = [o.get("value", "") for o in field.select("option[selected]")]
            data[name] = chosen if field.has_attr("multiple") else (chosen or [""])[0]
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    return data


def local_input(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


# --- article transitions: the same attempt shape on both surfaces --------------------------

# action: (status to start from, what the transition needs, the status it leaves)
_MOVES = {
    "submit": ("draft", {}, "review"),
    "return": ("review", {"note": "Needs a quote from the plant manager."}, "draft"),
    "publish": ("draft", {}, "published"),
    "schedule": ("review", {"when": dt.timedelta(days=2)}, "scheduled"),
    "embargo": ("draft", {"when": dt.timedelta(days=2)}, "embargoed"),
    "unpublish": ("published", {}, "unpublished"),
    "archive": ("draft", {}, "archived"),
    "reopen": ("archived", {}, "draft"),
}


def _transition_admin(verb: str) -> Attempt:
    def attempt(actor: Actor, case: str) -> bool:
        start, needs, done_status = _MOVES[verb]
        article = target(actor, case, start)
        data = {"transition": verb, "note": needs.get("note", "")}
        if "when" in needs:
            data["when"] = local_input(timezone.now() + needs["when"])
        response = actor.client.post(f"/admin/news/article/{article.pk}/transition/", data)
        assert response.status_code in (200, 302, 403), response.status_code
        article.refresh_from_db()
        return article.status == done_status

    return attempt


def _transition_cli(verb: str) -> Attempt:
    def attempt(actor: Actor, case: str) -> bool:
        start, needs, done_status = _MOVES[verb]
        article = target(actor, case, start)
        options: dict[str, Any] = {"user": actor.user.get_username(), "note": needs.get("note", "")}
        if "when" in needs:
            options["when"] = (timezone.now() + needs["when"]).isoformat()
        # A refusal is a CommandError (a clear line, exit status 1); anything else fails.
        with contextlib.suppress(CommandError):
            call_command("article", verb, str(article.pk), stdout=io.StringIO(), **options)
        article.refresh_from_db()
        return article.status == done_status

    return attempt


for _verb in _MOVES:
    register(f"article.{_verb}", "admin")(_transition_admin(_verb))
    register(f"article.{_verb}", "cli")(_transition_cli(_verb))


# --- articles: create, edit, delete in the admin ---------------------------------------------


@register("article.create", "admin")
def _create_admin(actor: Actor, case: str) -> bool:
    headline = f"Created by {actor.user.get_username()}"
    data = admin_form(actor.client, "/admin/news/article/add/") or {}
    data |= {"headline": headline, "slug": "", "standfirst": "New.", "body": "<p>Text.</p>"}
    data.setdefault("pub_date_0", "")
    data.setdefault("pub_date_1", "")
    actor.client.post("/admin/news/article/add/", data)
    return Article.objects.filter(headline=headline).exists()


@register("article.edit", "admin")
def _edit_admin(actor: Actor, case: str) -> bool:
    article = target(actor, case, "draft")
    url = f"/admin/news/article/{article.pk}/change/"
    # A refused user gets no form: post what an editor's form would hold.
    data = admin_form(actor.client, url) or _article_form(article)
    data["headline"] = "Edited headline"
    actor.client.post(url, data)
    article.refresh_from_db()
    return article.headline == "Edited headline"


@register("article.delete", "admin")
def _delete_admin(actor: Actor, case: str) -> bool:
    article = target(actor, case, "draft")
    actor.client.post(f"/admin/news/article/{article.pk}/delete/", {"post": "yes"})
    return not Article.objects.filter(pk=article.pk).exists()


def _article_form(article: Article) -> dict[str, Any]:
    return {
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "pub_date_0": "",
        "pub_date_1": "",
        "section": "",
        "lead_image_alt": "",
        "source_name": "",
        "source_url": "",
        "canonical_url": "",
        "language": article.language,
    }


# --- taxonomy and site settings in the admin -----------------------------------------------


@register("taxonomy.edit", "admin")
def _taxonomy_admin(actor: Actor, case: str) -> bool:
    name = f"Section of {actor.user.get_username()}"
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower())
    actor.client.post("/admin/news/section/add/", {"name": name, "slug": slug, "position": 0})
    return Section.objects.filter(name=name).exists()


@register("site.settings", "admin")
def _site_settings_admin(actor: Actor, case: str) -> bool:
    site = SiteSettings.load()
    url = f"/admin/news/sitesettings/{site.pk}/change/"
    data = admin_form(actor.client, url) or {
        "site_name": site.site_name,
        "section_title": site.section_title,
        "tagline": site.tagline,
        "banner_alt": "",
        "language": site.language,
        "time_zone": site.time_zone,
    }
    name = f"Renamed by {actor.user.get_username()}"
    actor.client.post(url, {**data, "site_name": name})
    return SiteSettings.load().site_name == name


# --- images in the media library -------------------------------------------------------------


def _png_upload(name: str = "photo.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as Pillow

    out = io.BytesIO()
    Pillow.new("RGB", (400, 300), "seagreen").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@register("image.upload", "admin")
def _image_upload_admin(actor: Actor, case: str) -> bool:
    from newscenter.news.models import Image

    alt = f"Uploaded by {actor.user.get_username()}"
    actor.client.post("/admin/news/image/add/", {"upload": _png_upload(), "alt": alt})
    return Image.objects.filter(alt=alt).exists()


@register("image.edit", "admin")
def _image_edit_admin(actor: Actor, case: str) -> bool:
    from tests.builders import make_image

    image = make_image(400, 300)
    url = f"/admin/news/image/{image.pk}/change/"
    data = admin_form(actor.client, url) or {"alt": image.alt, "caption": "", "credit": ""}
    actor.client.post(url, {**data, "alt": "Edited description"})
    image.refresh_from_db()
    return image.alt == "Edited description"


# --- review links ------------------------------------------------------------------------------


@register("review_link.create", "admin")
def _review_link_create_admin(actor: Actor, case: str) -> bool:
    article = target(actor, case, "draft")
    url = f"/admin/news/article/{article.pk}/review-links/"
    actor.client.post(url, {"label": "Legal", "expires_in": "48", "unit": "hours"})
    return article.review_links.exists()


@register("review_link.create", "cli")
def _review_link_create_cli(actor: Actor, case: str) -> bool:
    article = target(actor, case, "draft")
    with contextlib.suppress(CommandError):
        call_command(
            "review-link", str(article.pk), expires="48h", user=actor.user.get_username(),
            stdout=io.StringIO(),
        )  # fmt: skip
    return article.review_links.exists()


def _live_link(actor: Actor, case: str):
    from newscenter.news.services import review_links

    article = target(actor, case, "draft")
    link, _token = review_links.review_link_create(
        article=article, acting_user=SYSTEM, expires=dt.timedelta(hours=48)
    )
    return link


@register("review_link.revoke", "admin")
def _review_link_revoke_admin(actor: Actor, case: str) -> bool:
    link = _live_link(actor, case)
    url = f"/admin/news/article/{link.article_id}/review-links/"
    actor.client.post(url, {"revoke": str(link.pk)})
    link.refresh_from_db()
    return link.revoked is not None


@register("review_link.revoke", "cli")
def _review_link_revoke_cli(actor: Actor, case: str) -> bool:
    link = _live_link(actor, case)
    with contextlib.suppress(CommandError):
        call_command(
            "review-link", revoke=link.key, user=actor.user.get_username(), stdout=io.StringIO()
        )
    link.refresh_from_db()
    return link.revoked is not None


# --- revisions ----------------------------------------------------------------------------------


@register("revision.restore", "admin")
def _revision_restore_admin(actor: Actor, case: str) -> bool:
    from newscenter.news import services

    article = target(actor, case, "draft", headline="First headline")
    services.article_update(article=article, acting_user=SYSTEM, headline="Second headline")
    first = article.revisions.order_by("number").first()
    url = f"/admin/news/article/{article.pk}/revisions/{first.number}/restore/"
    actor.client.post(url)
    article.refresh_from_db()
    return article.headline == "First headline"


# --- users and roles ------------------------------------------------------------------------------


@register("role.grant", "cli")
def _role_grant_cli(actor: Actor, case: str) -> bool:
    """Grant the actor's own role ("own") or the role above it ("above") to a new user."""
    own = policy.Role.parse(actor.role) if actor.role else policy.Role.CONTRIBUTOR
    granted = own if case == "own" else policy.Role(min(own + 1, policy.Role.ADMINISTRATOR))
    if case == "above" and own == policy.Role.ADMINISTRATOR:
        return False  # nothing lies above an administrator's role to grant
    person = make_user(role=None)
    with contextlib.suppress(CommandError):
        call_command(
            "user", "role", person.get_username(), granted.name.lower(),
            user=actor.user.get_username(), stdout=io.StringIO(),
        )  # fmt: skip
    return policy.role_of(type(person).objects.get(pk=person.pk)) == granted


@register("user.manage", "cli")
def _user_manage_cli(actor: Actor, case: str) -> bool:
    from django.contrib.auth import get_user_model

    name = f"new-by-{actor.user.get_username()}"
    with contextlib.suppress(CommandError):
        call_command(
            # As typed: call_command cannot pass options of a subcommand's exclusive group.
            "user", "create", name, "--role", "contributor", "--no-password",
            "--user", actor.user.get_username(), stdout=io.StringIO(),
        )  # fmt: skip
    return get_user_model().objects.filter(username=name).exists()


@register("analytics.view", "admin")
def _analytics_view_admin(actor: Actor, case: str) -> bool:
    """A read: done when the Analytics page shows its figures."""
    response = actor.client.get("/admin/analytics/report/")
    return response.status_code == 200 and b"Top articles" in response.content


@register("analytics.manage", "admin")
def _analytics_manage_admin(actor: Actor, case: str) -> bool:
    from newscenter.analytics.models import Switch

    actor.client.post("/admin/analytics/report/", {"counting": "off"})
    return Switch.objects.filter(counting=False).exists()


# --- translations: "translate", "mark as current", a translated XLIFF file -----------------


def _translatable_source() -> Article:
    """A published English article on a site that also has German, written by an editor."""
    from newscenter.news import services

    services.site_settings_update(acting_user=SYSTEM, languages=["de"])
    return make_article(headline="Plant opens", body="<p>The plant opens.</p>")


@register("article.create", "admin: translate")
def _translate_admin(actor: Actor, case: str) -> bool:
    source = _translatable_source()
    actor.client.post(f"/admin/news/article/{source.pk}/translate/de/")
    return Article.objects.filter(translated_from=source, language="de").exists()


@register("article.create", "cli: xliff import")
def _translate_xliff_cli(actor: Actor, case: str) -> bool:
    from lxml import etree

    from newscenter.news import services

    source = _translatable_source()
    root = etree.fromstring(services.translation_export_xliff(source=source, language="de"))
    space = "{urn:oasis:names:tc:xliff:document:2.0}"
    for segment in root.iter(f"{space}segment"):
        etree.SubElement(segment, f"{space}target").text = "Übersetzt"
    with tempfile.NamedTemporaryFile(suffix=".xlf") as file:
        file.write(etree.tostring(root))
        file.flush()
        with contextlib.suppress(CommandError):
            call_command("xliff", "import", file.name, user=actor.user.get_username(),
                         stdout=io.StringIO())  # fmt: skip
    return Article.objects.filter(translated_from=source, language="de").exists()


@register("article.create", "admin: xliff batch import")
def _translate_xliff_batch_admin(actor: Actor, case: str) -> bool:
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile
    from lxml import etree

    from newscenter.news import services

    source = _translatable_source()
    data = services.translation_export_xliff_batch(sources=[source], language="de")
    space = "{urn:oasis:names:tc:xliff:document:2.0}"
    translated = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as archive, zipfile.ZipFile(translated, "w") as out:
        for name in archive.namelist():
            root = etree.fromstring(archive.read(name))
            for segment in root.iter(f"{space}segment"):
                etree.SubElement(segment, f"{space}target").text = "Übersetzt"
            out.writestr(name, etree.tostring(root))
    upload = SimpleUploadedFile("batch.zip", translated.getvalue(), "application/zip")
    actor.client.post("/admin/news/article/translations/xliff/", {"file": upload})
    return Article.objects.filter(translated_from=source, language="de").exists()


@register("article.edit", "admin: mark current")
def _mark_current_admin(actor: Actor, case: str) -> bool:
    from newscenter.news import services, translations

    source = _translatable_source()
    german = services.translation_create(acting_user=SYSTEM, source=source, language="de")
    writer = actor.user if case == "own" else make_user(role="editor")
    Article.objects.filter(pk=german.pk).update(created_by=writer)
    services.article_update(article=source, acting_user=SYSTEM, body="<p>Opens today.</p>")
    actor.client.post(f"/admin/news/article/{german.pk}/translation/current/")
    german.refresh_from_db()
    return german.translated_from_revision == translations.latest_revision_number(source)
