"""What cannot run here is at least parsed and checked: the Dockerfile, compose.yaml, the
systemd units and the container health check (deploy/)."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands
from pytest_django.live_server_helper import LiveServer

from tests.deploy.nginx import PLACEHOLDERS, free_port
from tests.test_cli import env_with_data_dir

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
SRC = REPO / "src" / "newscenter"
VENV_BIN = Path(sys.executable).parent


def documented_variables() -> set[str]:
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)`", (REPO / "docs" / "configuration.md").read_text()))


def variables_our_code_reads() -> set[str]:
    sources = [SRC / "settings.py", SRC / "conf.py",
               *(SRC / "cli" / "management" / "commands").glob("*.py")]  # fmt: skip
    text = "".join(path.read_text() for path in sources)
    return set(re.findall(r"(?:env\.\w+\(\s*|os\.environ\.get\()\"([A-Z0-9_]+)\"", text))


def assert_known(names, where: str) -> None:
    """Every variable is documented, and every one of ours is really read by our code."""
    undocumented = sorted(set(names) - documented_variables())
    assert not undocumented, f"{where}: not in docs/configuration.md: {undocumented}"
    ours = {n for n in names if n.startswith(("NEWSCENTER_", "DJANGO_"))}
    unread = sorted(ours - variables_our_code_reads())
    assert not unread, f"{where}: read by nothing: {unread}"


def newscenter_commands(text: str) -> set[str]:
    """Management commands named as `newscenter COMMAND` in a command line or script."""
    return set(re.findall(r"(?:^|[\s;&|\"'\[])newscenter\s+([a-z][a-z_-]*)", text))


def assert_commands_exist(names: set[str], where: str) -> None:
    missing = sorted(names - set(get_commands()))
    assert not missing, f"{where} runs commands that do not exist: {missing}"


# --- the Dockerfile ---------------------------------------------------------------------


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = (DEPLOY / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (parts[0].upper(), parts[1] if len(parts) > 1 else "")
        for parts in (line.strip().split(None, 1) for line in joined.splitlines() if line.strip())
    ]


def stages() -> dict[str, list[tuple[str, str]]]:
    found, current = {}, None
    for instruction, arguments in dockerfile():
        if instruction == "FROM":
            current = arguments.split()[-1] if " AS " in arguments.upper() else arguments
            found[current] = []
        found[current].append((instruction, arguments))
    return found


def test_the_dockerfile_builds_from_python_311_slim_with_uv_from_pypi():
    instructions = dockerfile()
    assert instructions[0] == ("FROM", "python:3.11-slim AS build")
    runs = " ".join(arguments for instruction, arguments in instructions if instruction == "RUN")
    assert re.search(r'pip install [^&]*"uv==[\d.]+"', runs)
    assert "uv sync --frozen --no-dev" in runs
    assert "collectstatic --noinput" in runs  # at build, not at every start


def test_the_app_image_serves_unprivileged_with_a_health_check():
    app = stages()["app"]
    users = [arguments for instruction, arguments in app if instruction == "USER"]
    assert users
    assert users[-1] not in ("root", "0")
    [cmd] = [arguments for instruction, arguments in app if instruction == "CMD"]
    argv = yaml.safe_load(cmd)  # the exec form is a JSON array
    assert argv == ["newscenter", "serve", "--no-worker", "--no-collectstatic"]
    assert (VENV_BIN / "newscenter").exists()
    [check] = [arguments for instruction, arguments in app if instruction == "HEALTHCHECK"]
    assert yaml.safe_load(check[check.index("CMD") + 3 :].strip()) == [
        "python", "/app/healthcheck.py"
    ]  # fmt: skip
    copied = " ".join(arguments for instruction, arguments in app if instruction == "COPY")
    assert "deploy/healthcheck.py /app/" in copied


def test_every_command_the_dockerfile_runs_exists():
    runs = ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK")
    text = "\n".join(arguments for instruction, arguments in dockerfile() if instruction in runs)
    names = newscenter_commands(text)
    assert "collectstatic" in names
    assert_commands_exist(names, "deploy/Dockerfile")


def test_everything_the_dockerfile_copies_exists_and_reaches_the_build():
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    for instruction, arguments in dockerfile():
        if instruction != "COPY" or arguments.startswith("--from"):
            continue
        *sources, _destination = arguments.split()
        for source in sources:
            assert (REPO / source).exists(), source
            assert any(source == a or source.startswith(f"{a}/") for a in allowed), source


def test_the_nginx_image_carries_the_template_and_its_defaults():
    nginx = stages()["nginx"]
    assert nginx[0][1].startswith("nginx:")
    env = " ".join(arguments for instruction, arguments in nginx if instruction == "ENV")
    assert {name for name in PLACEHOLDERS if f"{name}=" in env} == set(PLACEHOLDERS)
    copied = " ".join(arguments for instruction, arguments in nginx if instruction == "COPY")
    assert "deploy/nginx/newscenter.conf.template /etc/nginx/templates/" in copied


def test_the_health_check_passes_while_the_app_answers(settings, transactional_db):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    server = LiveServer("127.0.0.1")
    try:
        port = server.url.rsplit(":", 1)[1]
        assert _health_check(port).returncode == 0
    finally:
        server.stop()
    refused = _health_check(str(free_port()))
    assert refused.returncode == 1
    assert "unhealthy" in refused.stderr


def _health_check(port: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(DEPLOY / "healthcheck.py")],
        env={"PORT": port, "DJANGO_ALLOWED_HOSTS": "localhost,news.example.com"},
        capture_output=True,
        text=True,
    )


# --- compose.yaml -------------------------------------------------------------------------


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def app_services() -> dict[str, dict]:
    return {
        name: service
        for name, service in compose()["services"].items()
        if service.get("build", {}).get("target") == "app"
    }


def test_compose_has_the_whole_topology():
    services = compose()["services"]
    assert {"nginx", "app", "migrate", "postgres", "redis", "minio", "bucket"} <= set(services)
    assert services["postgres"]["image"] == "postgres:15"
    assert services["app"]["deploy"]["replicas"] >= 2
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    targets = {s["build"]["target"] for s in services.values() if "build" in s}
    assert targets <= set(stages())
    for name, service in services.items():
        assert set(service.get("depends_on", {})) <= set(services), name


def test_every_app_service_is_configured_by_variables_we_read():
    services = app_services()
    assert {"app", "migrate", "feeds"} <= set(services)
    for name, service in services.items():
        env = service["environment"]
        assert_known(env, f"compose service {name}")
        assert {"DATABASE_URL", "CACHE_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS",
                "DJANGO_BEHIND_PROXY", "NEWSCENTER_S3_BUCKET"} <= set(env)  # fmt: skip
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CACHE_URL"].startswith("redis://redis:")


def test_every_command_compose_runs_exists():
    for name, service in app_services().items():
        command = service.get("command", [])
        text = command if isinstance(command, str) else " ".join(command)
        assert_commands_exist(newscenter_commands(text), f"compose service {name}")
    assert newscenter_commands(" ".join(app_services()["feeds"]["command"])) == {"feeds"}


def test_compose_fills_every_placeholder_of_the_nginx_template():
    env = compose()["services"]["nginx"]["environment"]
    assert set(env) == set(PLACEHOLDERS)
    assert env["NEWSCENTER_UPSTREAM"] == "app:8000"


# --- systemd --------------------------------------------------------------------------------


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keys are case-sensitive in systemd
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


def exec_lines(name: str) -> list[str]:
    """Every Exec*= command line (configparser keeps only the last of repeated keys)."""
    text = (DEPLOY / "systemd" / name).read_text()
    return re.findall(r"^Exec\w+=(.+)$", text, flags=re.MULTILINE)


SERVICES = ["newscenter.service", "newscenter-feeds.service", "newscenter-clearsessions.service"]


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_runs_existing_commands_unprivileged(name):
    service = unit(name)["Service"]
    assert service["User"] == "newscenter"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["EnvironmentFile"] == "/etc/newscenter/newscenter.env"
    commands = set()
    for line in exec_lines(name):
        argv = shlex.split(line)
        if argv[0].startswith("/opt/newscenter/.venv/bin/"):
            program = argv[0].rsplit("/", 1)[1]
            assert (VENV_BIN / program).exists(), argv[0]
            commands |= newscenter_commands(" ".join([program, *argv[1:]]))
        else:
            assert Path(argv[0]).is_absolute(), line
    assert commands
    assert_commands_exist(commands, name)


def test_the_app_server_and_the_worker_are_units_of_their_own():
    service = unit("newscenter.service")["Service"]
    assert service["ExecStart"] == "/opt/newscenter/.venv/bin/newscenter serve --no-worker"
    assert service["ExecReload"] == "/bin/kill -s HUP $MAINPID"  # granian respawns gracefully
    worker = unit("newscenter-worker.service")["Service"]
    assert worker["ExecStart"] == "/opt/newscenter/.venv/bin/newscenter worker"


@pytest.mark.parametrize("name", ["newscenter-feeds.timer", "newscenter-clearsessions.timer"])
def test_each_timer_has_its_service(name):
    timer = unit(name)
    assert timer["Timer"]["OnCalendar"]
    assert (DEPLOY / "systemd" / name.replace(".timer", ".service")).exists()
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_the_environment_file_names_variables_we_read():
    text = (DEPLOY / "systemd" / "newscenter.env.example").read_text()
    names = re.findall(r"^#?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE)
    assert "DJANGO_STATIC_ROOT" in names
    assert "NEWSCENTER_DATA_DIR" in names
    assert_known(names, "newscenter.env.example")


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed; the units were parsed above")
    names = [p.name for p in (DEPLOY / "systemd").glob("newscenter*.*") if p.suffix != ".example"]
    for name in names:
        # Our checkout and venv stand in for /opt/newscenter, so the programs exist.
        text = (DEPLOY / "systemd" / name).read_text().replace("/opt/newscenter", str(REPO))
        (tmp_path / name).write_text(text)
    result = subprocess.run(
        [analyze, "verify", "--man=no", *(str(tmp_path / name) for name in names)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert not result.stderr.strip(), result.stderr


def test_the_app_images_command_serves_the_site(tmp_path):
    """The app image's CMD (`newscenter serve --no-worker --no-collectstatic`), here on loopback."""
    port = str(free_port())
    static = tmp_path / "static"
    env = env_with_data_dir(
        tmp_path,
        HOST="127.0.0.1",
        PORT=port,
        DJANGO_BEHIND_PROXY="true",
        DJANGO_STATIC_ROOT=str(static),
    )
    for step in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):  # as at build
        subprocess.run([sys.executable, "-m", "newscenter", *step], env=env, check=True,
                       capture_output=True)  # fmt: skip
    [cmd] = [a for i, a in stages()["app"] if i == "CMD"]
    argv = yaml.safe_load(cmd)
    command = [str(VENV_BIN / argv[0]), *argv[1:], "--workers", "1"]
    server = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        check = _wait_until_healthy(port, server)
        assert check.returncode == 0, check.stderr
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    assert f"Serving the News center at http://127.0.0.1:{port}/news/" in log
    assert "Worker running" not in log


def _wait_until_healthy(port: str, server: subprocess.Popen) -> subprocess.CompletedProcess:
    deadline = time.monotonic() + 60
    while True:
        check = _health_check(port)
        if check.returncode == 0 or time.monotonic() > deadline or server.poll() is not None:
            return check
        time.sleep(0.2)
