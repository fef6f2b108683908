"""The media library: Image and Rendition; lead images and the banner become library images.

Each distinct file an article or the site settings held becomes one Image (its alternative
text taken from the first article that used it), and old revisions name the image by id as
new ones do. Renditions are not made here: pages show the original until an editor runs
"Make renditions" in the media library, so the migration never decodes a picture.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.core.files.images import get_image_dimensions
from django.core.files.storage import default_storage
from django.db import migrations, models

CONTRIBUTOR = ["news.add_image", "news.view_image"]
EDITOR = CONTRIBUTOR + ["news.change_image", "news.delete_image"]
ROLES = {"Contributor": CONTRIBUTOR, "Editor": EDITOR, "Administrator": EDITOR}


def _dimensions(name: str) -> tuple[int, int]:
    try:
        with default_storage.open(name) as file:
            width, height = get_image_dimensions(file)
    except OSError:
        return 0, 0  # the file is gone: the row keeps the reference, pages omit the size
    return width or 0, height or 0


class _Library:
    """One Image per distinct file name, made on first sight."""

    def __init__(self, Image):
        self.Image = Image
        self.by_name = {}

    def image(self, name: str, alt: str = ""):
        if name not in self.by_name:
            width, height = _dimensions(name)
            self.by_name[name] = self.Image.objects.create(
                file=name, width=width, height=height, alt=alt[:300]
            )
        return self.by_name[name]


def carry_over(apps, schema_editor):
    Article = apps.get_model("news", "Article")
    SiteSettings = apps.get_model("news", "SiteSettings")
    library = _Library(apps.get_model("news", "Image"))
    articles = Article.objects.exclude(lead_image_file="").order_by("pk")
    for pk, name, alt in articles.values_list("pk", "lead_image_file", "lead_image_alt"):
        image = library.image(name, alt)
        # The article's text stays an override only where it differs from the library's.
        override = "" if alt == image.alt else alt
        Article.objects.filter(pk=pk).update(lead_image=image, lead_image_alt=override)
    for site in SiteSettings.objects.exclude(banner_file=""):
        image = library.image(site.banner_file.name, site.banner_alt)
        override = "" if site.banner_alt == image.alt else site.banner_alt
        SiteSettings.objects.filter(pk=site.pk).update(banner_image=image, banner_alt=override)
    _revisions_by_id(apps, library)


def _revisions_by_id(apps, library):
    Revision = apps.get_model("news", "Revision")
    for revision in Revision.objects.filter(content__has_key="lead_image").iterator():
        name = revision.content["lead_image"]
        if not isinstance(name, str):
            continue
        known = name in library.by_name or (name and default_storage.exists(name))
        revision.content["lead_image"] = library.image(name).pk if known else None
        revision.save(update_fields=["content"])


def carry_back(apps, schema_editor):
    Article = apps.get_model("news", "Article")
    SiteSettings = apps.get_model("news", "SiteSettings")
    for article in Article.objects.exclude(lead_image=None).select_related("lead_image"):
        article.lead_image_file = article.lead_image.file.name
        article.lead_image_alt = article.lead_image_alt or article.lead_image.alt
        article.save(update_fields=["lead_image_file", "lead_image_alt"])
    for site in SiteSettings.objects.exclude(banner_image=None).select_related("banner_image"):
        site.banner_file = site.banner_image.file.name
        site.banner_alt = site.banner_alt or site.banner_image.alt
        site.save(update_fields=["banner_file", "banner_alt"])
    names = dict(apps.get_model("news", "Image").objects.values_list("pk", "file"))
    Revision = apps.get_model("news", "Revision")
    for revision in Revision.objects.filter(content__has_key="lead_image").iterator():
        value = revision.content["lead_image"]
        if value is None or isinstance(value, int):
            revision.content["lead_image"] = names.get(value, "")
            revision.save(update_fields=["content"])


def grant(apps, schema_editor):
    grant_roles(apps, ROLES)


def grant_roles(apps, roles: dict[str, list[str]]) -> None:
    """Give the role groups these permissions of news models (later migrations use it too)."""
    # As in 0006: permissions are normally made after all migrations; the groups need them now.
    app_config = apps.get_app_config("news")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def revoke(apps, schema_editor):
    revoke_roles(apps, ROLES)


def revoke_roles(apps, roles: dict[str, list[str]]) -> None:
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=roles):
        codenames = [code.split(".")[1] for code in roles[group.name]]
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="news", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0006_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Image",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("file", models.ImageField(editable=False, upload_to="images/%Y/%m/")),
                ("width", models.PositiveIntegerField(default=0, editable=False)),
                ("height", models.PositiveIntegerField(default=0, editable=False)),
                ("alt", models.CharField(blank=True, help_text="What the picture shows, for readers who cannot see it.", max_length=300, verbose_name="alternative text")),
                ("caption", models.CharField(blank=True, max_length=1000)),
                ("credit", models.CharField(blank=True, help_text="Photographer or agency.", max_length=200)),
                ("created", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("uploaded_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={"ordering": ["-created", "-id"]},
        ),
        migrations.CreateModel(
            name="Rendition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("width", models.PositiveIntegerField()),
                ("height", models.PositiveIntegerField()),
                ("format", models.CharField(choices=[("webp", "WebP"), ("avif", "AVIF"), ("jpeg", "JPEG"), ("png", "PNG")], max_length=10)),
                ("file", models.ImageField(upload_to="images/%Y/%m/")),
                ("image", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="renditions", to="news.image")),
            ],
            options={
                "ordering": ["image", "format", "width"],
                "constraints": [models.UniqueConstraint(fields=("image", "width", "format"), name="rendition_unique_per_width_format")],
            },
        ),
        # The file columns step aside under another name while the data moves.
        migrations.RenameField(model_name="article", old_name="lead_image", new_name="lead_image_file"),
        migrations.RenameField(model_name="sitesettings", old_name="banner_image", new_name="banner_file"),
        migrations.AddField(
            model_name="article",
            name="lead_image",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="articles", to="news.image"),
        ),
        migrations.AddField(
            model_name="sitesettings",
            name="banner_image",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="news.image"),
        ),
        migrations.RunPython(carry_over, carry_back),
        migrations.RemoveField(model_name="article", name="lead_image_file"),
        migrations.RemoveField(model_name="sitesettings", name="banner_file"),
        migrations.AlterField(
            model_name="article",
            name="lead_image_alt",
            field=models.CharField(blank=True, help_text="Only to describe the image differently here; empty: the library's text.", max_length=300, verbose_name="lead image alternative text"),
        ),
        migrations.AlterField(
            model_name="sitesettings",
            name="banner_alt",
            field=models.CharField(blank=True, help_text="Describes the banner for screen readers; empty: the image's own text.", max_length=300),
        ),
        migrations.RunPython(grant, revoke),
    ]
