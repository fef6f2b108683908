"""Settings as a fresh process computes them from environment variables.

Settings are read once, at import: the only faithful way to see what an environment yields is
to import ``newscenter.settings`` in a process of its own.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.test_cli import env_with_data_dir

_PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "storage": settings.STORAGES["default"],
    "media_url": settings.MEDIA_URL,
    "img_src": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],
}))
"""


def settings_from_environment(tmp_path, **variables: str) -> dict:
    """``storage`` (STORAGES["default"]), ``media_url`` and the CSP's ``img_src``."""
    env = env_with_data_dir(tmp_path, DJANGO_SETTINGS_MODULE="newscenter.settings", **variables)
    result = subprocess.run(
        [sys.executable, "-c", _PRINT_SETTINGS], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def newscenter(tmp_path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    """Run ``newscenter ARGS`` in a fresh process with these environment variables."""
    env = env_with_data_dir(tmp_path, **variables)
    return subprocess.run(
        [sys.executable, "-m", "newscenter", *args], env=env, capture_output=True, text=True
    )
