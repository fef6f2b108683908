"""Trusted devices a person can end one by one (accounts/trust.py), and PDF attachments
linked from bodies (news.services.attachments), which the roles see and editors delete."""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


_roles = importlib.import_module("newscenter.news.migrations.0007_images")
CONTRIBUTOR = ["news.view_attachment"]
EDITOR = CONTRIBUTOR + ["news.delete_attachment"]
ROLES = {"Contributor": CONTRIBUTOR, "Editor": EDITOR, "Administrator": EDITOR}


def grant(apps, schema_editor):
    _roles.grant_roles(apps, ROLES)


def revoke(apps, schema_editor):
    _roles.revoke_roles(apps, ROLES)


class Migration(migrations.Migration):

    dependencies = [
        ('news', '0016_stored_lists_and_counts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Attachment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file', models.FileField(max_length=200, upload_to='files/%Y/%m/')),
                ('title', models.CharField(max_length=200)),
                ('size', models.PositiveBigIntegerField()),
                ('created', models.DateTimeField(default=django.utils.timezone.now)),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-created', '-id'],
            },
        ),
        migrations.CreateModel(
            name='TrustedDevice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=43, unique=True)),
                ('label', models.CharField(max_length=200)),
                ('created', models.DateTimeField(default=django.utils.timezone.now)),
                ('last_used', models.DateTimeField(default=django.utils.timezone.now)),
                ('expires', models.DateTimeField()),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='trusted_devices', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-last_used', '-id'],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
