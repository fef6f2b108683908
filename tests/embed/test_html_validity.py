"""The embeds' HTML checked by the Nu HTML Checker (vnu.jar, installed by `make node-tools`)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.builders import make_article, make_image
from tests.conftest import REPO

pytestmark = [pytest.mark.validator, pytest.mark.django_db]

VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_errors(files) -> list[str]:
    if not VNU.is_file() or not shutil.which("java"):
        pytest.fail(f"{VNU} or java is missing: `make node-tools` installs the Nu HTML Checker")
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    messages = json.loads(done.stdout)["messages"]
    return [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "warning"
    ]


def test_the_embed_pages_are_valid_html(client, tmp_path):
    article = make_article(lead_image=make_image(), lead_image_alt="Hall", standfirst="Short.")
    make_article(headline="Ümlauts & <angles> in a headline")
    pages = {
        "list.html": "/embed/latest/",
        "cards.html": "/embed/latest/?layout=cards&theme=dark&accent=c03",
        "compact.html": "/embed/latest/?layout=compact",
        "card.html": f"/embed/article/{article.pk}/",
    }
    for name, path in pages.items():
        (tmp_path / name).write_bytes(client.get(path).content)
    # The fragment, as a page that includes it shows it.
    fragment = client.get("/embed/latest.html").text
    (tmp_path / "fragment.html").write_text(
        f'<!doctype html><html lang="en"><title>Host</title><main>{fragment}</main></html>'
    )
    assert nu_errors(sorted(tmp_path.glob("*.html"))) == []
