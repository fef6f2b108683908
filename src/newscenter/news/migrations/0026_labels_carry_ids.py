from django.db import migrations

BATCH = 500


def add_ids(apps, schema_editor):
    """Every article's labels again, each tag and author with its id (news.services.labels),
    so that the API shows them from the article's row."""
    Article = apps.get_model("news", "Article")
    links = {"tags": Article.tags.through.objects, "authors": Article.authors.through.objects}
    columns = {
        "tags": ("tag__slug", "tag__name", "tag__translations", "tag_id"),
        "authors": ("author__slug", "author__name", "author_id"),
    }
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        found = {pk: {"tags": [], "authors": []} for pk in chunk}
        for kind, rows in links.items():
            key = kind[:-1]
            named = rows.filter(article_id__in=chunk).order_by(f"{key}__name", f"{key}_id")
            for pk, *label in named.values_list("article_id", *columns[kind]):
                found[pk][kind].append(label)
        rows = [Article(pk=pk, labels=labels) for pk, labels in found.items()]
        Article.objects.bulk_update(rows, ["labels"])


def drop_ids(apps, schema_editor):
    """The labels as 0019 made them: the code before this migration reads no ids."""
    Article = apps.get_model("news", "Article")
    rows = []
    for pk, labels in Article.objects.order_by("pk").values_list("pk", "labels").iterator():
        kept = {
            "tags": [label[:3] for label in labels.get("tags", ())],
            "authors": [label[:2] for label in labels.get("authors", ())],
        }
        rows.append(Article(pk=pk, labels=kept))
    Article.objects.bulk_update(rows, ["labels"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [("news", "0025_sitemap_summary")]

    operations = [migrations.RunPython(add_ids, drop_ids)]
