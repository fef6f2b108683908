"""The OpenAPI document: a checked-in snapshot, one name per schema, and schemathesis against
the live API (a real `newscenter serve` on loopback, fuzzed by a client nobody here wrote).

After a deliberate change to the API, renew the snapshot with

    NEWSCENTER_UPDATE_OPENAPI=1 .venv/bin/pytest tests/api/test_openapi.py -k snapshot

and read its diff before committing it: every line is a promise to integrators.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request
from pathlib import Path

import pytest
from ninja import Schema

from newscenter.api import scopes as api_scopes
from tests.test_cli import NEWSCENTER, _get_when_up, env_with_data_dir, free_port

SNAPSHOT = Path(__file__).with_name("openapi.json")


def _dumped(document: dict) -> str:
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def test_the_openapi_document_matches_its_snapshot(api, db):
    document = api.get("/api/v1/openapi.json").json()
    if os.environ.get("NEWSCENTER_UPDATE_OPENAPI") == "1":
        SNAPSHOT.write_text(_dumped(document), encoding="utf-8")
    stored = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert _dumped(document) == _dumped(stored), (
        "the API's OpenAPI document changed: if on purpose, renew tests/api/openapi.json "
        "(see this module's docstring)"
    )


def _schemas(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("newscenter."):
            found.append(sub)
        found += _schemas(sub)
    return found


def test_no_two_schemas_share_a_name():
    """The document keys its components by class name: two schemas with one name would let the
    second describe the first's answers (analytics' ArticleList once did to the article list)."""
    import newscenter.api.api  # noqa: F401  (every router and its schemas)

    by_name: dict[str, set[str]] = {}
    for cls in _schemas(Schema):
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: places for name, places in by_name.items() if len(places) > 1}
    assert not shared


# --- schemathesis against the live server ---------------------------------------------------


def _run(env: dict, *args: str) -> str:
    done = subprocess.run([*NEWSCENTER, *args], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _call(url: str, token: str, method: str = "GET", data: dict | None = None) -> dict:
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(data).encode() if data is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


@pytest.fixture
def live_api(tmp_path):
    """A fresh site (the demo company) served by `newscenter serve`, and an administrator's
    token with every scope: the widest view of the API there is."""
    port = free_port()
    env = env_with_data_dir(
        tmp_path,
        NEWSCENTER_HTTPS="false",
        # schemathesis sends thousands of requests a minute: the limits are tested elsewhere.
        NEWSCENTER_API_RATE_LIMIT="1000000",
        NEWSCENTER_API_ANONYMOUS_RATE_LIMIT="1000000",
    )
    _run(env, "setup")
    every_scope = [arg for scope in api_scopes.SCOPES for arg in ("--scope", scope)]
    token = _run(env, "token", "create", "--user", "admin", *every_scope).split()[0]
    server = subprocess.Popen(
        [*NEWSCENTER, "serve", "--port", str(port), "--workers", "1", "--no-worker",
         "--no-collectstatic", "--no-access-log"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _get_when_up(f"{base}/api/v1/openapi.json")
        yield base, token
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_answer_off_its_schema(live_api, tmp_path):
    base, token = live_api
    # Real rows to aim at, so that the operations on one thing reach their logic, not a 404.
    [article] = _call(f"{base}/api/v1/articles?limit=1", token)["items"]
    endpoint = _call(f"{base}/api/v1/webhooks", token, "POST",
                     {"url": "https://hooks.example.com/newscenter", "events": []})  # fmt: skip
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        "[parameters]\n"
        f'"path.article_id" = {article["id"]}\n'
        f'"path.endpoint_id" = {endpoint["id"]}\n'
        '"path.number" = 1\n'
        '"path.name" = "channels"\n'
        '"query.path" = "' + article["path"] + '"\n'
    )
    st = Path(NEWSCENTER[0]).with_name("schemathesis")
    done = subprocess.run(
        [str(st), "--config-file", str(config), "run", f"{base}/api/v1/openapi.json",
         "--header", f"Authorization: Bearer {token}",
         "--checks", "not_a_server_error,response_schema_conformance,ignored_auth",
         "--phases", "examples,coverage,fuzzing", "--max-examples", "5", "--seed", "18",
         "--workers", "1", "--generation-database", "none", "--no-color",
         "--request-timeout", "30", "--output-sanitize", "true"],
        cwd=tmp_path, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    summary = done.stdout[-6000:]
    assert done.returncode == 0, summary
    assert "Failures:" not in summary, summary
