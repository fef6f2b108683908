from django.db import migrations, models

BATCH = 500


def fill_labels(apps, schema_editor):
    """The labels of every existing article, as news.services.labels makes them."""
    Article = apps.get_model("news", "Article")
    tag_rows, author_rows = Article.tags.through.objects, Article.authors.through.objects
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        found = {pk: {"tags": [], "authors": []} for pk in chunk}
        tags = (
            tag_rows.filter(article_id__in=chunk)
            .order_by("tag__name", "tag_id")
            .values_list("article_id", "tag__slug", "tag__name", "tag__translations")
        )
        for pk, slug, name, names in tags:
            found[pk]["tags"].append([slug, name, names])
        authors = (
            author_rows.filter(article_id__in=chunk)
            .order_by("author__name", "author_id")
            .values_list("article_id", "author__slug", "author__name")
        )
        for pk, slug, name in authors:
            found[pk]["authors"].append([slug, name])
        rows = [Article(pk=pk, labels=labels) for pk, labels in found.items()]
        Article.objects.bulk_update(rows, ["labels"])


def fill_rendition_lists(apps, schema_editor):
    """Each image's renditions, as news.services.images.renditions_make keeps them."""
    Image, Rendition = apps.get_model("news", "Image"), apps.get_model("news", "Rendition")
    kept: dict[int, list] = {}
    rows = Rendition.objects.values_list("image_id", "format", "width", "height", "crop", "file")
    for image_id, *rendition in rows.iterator(chunk_size=2000):
        kept.setdefault(image_id, []).append(rendition)
    images = [Image(pk=pk, rendition_list=sorted(found)) for pk, found in kept.items()]
    Image.objects.bulk_update(images, ["rendition_list"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("news", "0018_translated_names_and_texts")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="labels",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="image",
            name="rendition_list",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(fill_labels, migrations.RunPython.noop),
        migrations.RunPython(fill_rendition_lists, migrations.RunPython.noop),
    ]
