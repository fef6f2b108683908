"""A throw-away newscenter site for benchmarks: its own data folder, migrated, Django set up."""

import os
import tempfile
from pathlib import Path


def throwaway_site(data_dir: Path | None = None) -> Path:
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="newscenter-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        NEWSCENTER_DATA_DIR=str(data_dir),
        NEWSCENTER_HTTPS="false",
        NEWSCENTER_STATICFILES_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="newscenter.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return data_dir
