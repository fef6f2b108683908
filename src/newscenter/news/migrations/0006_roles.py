"""The three newsroom roles as groups, with the admin permissions each needs to reach its work.

The services decide what each role may do (news.policy); these permissions only open the
admin's pages to them. Later migrations that add models add their permissions here too.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTRIBUTOR = [
    "news.add_article", "news.change_article", "news.view_article",
    "news.view_section", "news.view_tag", "news.view_author", "news.view_revision",
]
EDITOR = CONTRIBUTOR + [
    "news.add_section", "news.change_section", "news.add_tag", "news.change_tag",
    "news.add_author", "news.change_author", "news.view_auditentry",
    "news.add_reviewlink", "news.change_reviewlink", "news.view_reviewlink",
    "news.view_importrecord", "news.view_feedsubscription", "auth.view_user",
    "auth.change_user",
]
ADMINISTRATOR = EDITOR + [
    "news.delete_article", "news.delete_section", "news.delete_tag", "news.delete_author",
    "news.view_sitesettings", "news.change_sitesettings", "news.add_feedsubscription",
    "news.change_feedsubscription", "news.delete_feedsubscription", "auth.add_user",
    "auth.delete_user",
]
ROLES = {"Contributor": CONTRIBUTOR, "Editor": EDITOR, "Administrator": ADMINISTRATOR}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0005_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
