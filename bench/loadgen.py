"""Servers and load for bench/serve.py: `newscenter serve`, nginx, wrk, and their memory.

Every server runs in a process group of its own, and ``running`` stops the whole group on the
way out, whatever happened: a benchmark must never leave a server behind.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NEWSCENTER = Path(sys.executable).parent / "newscenter"
TEMPLATE = REPO / "deploy" / "nginx" / "newscenter.conf.template"
# Debian package of each program the benchmark runs.
TOOLS = {"wrk": "wrk", "nginx": "nginx-light", "hugo": "hugo"}


def ensure_tools() -> dict[str, str]:
    """The programs' paths, installing the missing ones from Debian (and saying so)."""
    missing = [name for name in TOOLS if not _which(name)]
    if missing:
        packages = [TOOLS[name] for name in missing]
        print(f"Installing {', '.join(packages)} (scripts/apt-install) ...", file=sys.stderr)
        subprocess.run([REPO / "scripts" / "apt-install", *packages], check=True, stdout=sys.stderr)
    return {name: _which(name) or "" for name in TOOLS}


def _which(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin:/sbin")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running(command: list, *, env: dict | None = None, log: Path, ready: str, timeout=120):
    """Start ``command`` in its own process group; yield its pid once ``ready`` answers 200."""
    with open(log, "ab") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_until_ready(ready, process, timeout, log)
        yield process.pid
    finally:
        _stop(process)


def _wait_until_ready(url: str, process, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited ({process.returncode}); see {log}")
        with contextlib.suppress(OSError):
            if fetch(url).status == 200:
                return
        time.sleep(0.3)
    raise SystemExit(f"{url}: no answer after {timeout} s; see {log}")


def _stop(process) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def app_env(data_dir: Path, *, page_cache: bool) -> dict:
    """The environment `make run` gives the app, on one corpus, with the page cache on or off."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL")}
    env.pop("NEWSCENTER_PAGE_CACHE_SECONDS", None)  # the default when on, as `make run` has it
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        NEWSCENTER_DATA_DIR=str(data_dir),
        NEWSCENTER_HTTPS="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
    )
    if not page_cache:
        env["NEWSCENTER_PAGE_CACHE_SECONDS"] = "0"
    return env


def app_setup(env: dict, log: Path) -> None:
    """`newscenter setup`, the first half of `make run` (migrates a corpus made earlier)."""
    with open(log, "ab") as output:
        subprocess.run([NEWSCENTER, "setup"], env=env, stdout=output, stderr=output, check=True)


def app_server(env: dict, port: int, log: Path):
    """`newscenter serve` (the second half of `make run`) on a loopback port."""
    command = [NEWSCENTER, "serve", "--host", "127.0.0.1", "--port", str(port)]
    return running(command, env=env, log=log, ready=f"http://127.0.0.1:{port}/news/")


def nginx_static(work: Path, nginx: str, html: bytes):
    """nginx serving ``html`` as a static file: the machine's ceiling.

    At /article/ with an access log, as nginx is deployed (and as the app logs every request);
    at /unlogged/ the same file without one, the absolute ceiling.
    """
    root = work / "static-root"
    (root / "article").mkdir(parents=True, exist_ok=True)
    (root / "article" / "index.html").write_bytes(html)
    port = free_port()
    server = (
        f"server {{ listen 127.0.0.1:{port}; root {root}; location / {{ }}\n"
        f"    location /unlogged/ {{ alias {root}/article/; access_log off; }} }}"
    )
    origin = f"http://127.0.0.1:{port}"
    return _nginx(work / "nginx-static", nginx, server, f"{origin}/article/"), origin


def nginx_deployment(work: Path, nginx: str, upstream_port: int, static_root: Path):
    """The documented deployment: deploy/nginx's template in front of the app."""
    port = free_port()
    cache = work / "nginx-deploy" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    include = string.Template(TEMPLATE.read_text()).safe_substitute(
        NEWSCENTER_LISTEN=f"127.0.0.1:{port}",
        NEWSCENTER_UPSTREAM=f"127.0.0.1:{upstream_port}",
        NEWSCENTER_STATIC_ROOT=str(static_root),
        NEWSCENTER_CACHE_DIR=str(cache),
    )
    origin = f"http://127.0.0.1:{port}"
    return _nginx(work / "nginx-deploy", nginx, include, f"{origin}/news/"), origin


def _nginx(prefix: Path, nginx: str, http_body: str, ready: str):
    """A main nginx.conf of our own: temporary prefix, pid, logs; Debian's other defaults.

    The workers run as whoever runs the benchmark (nginx started by root would otherwise
    switch to nobody, who cannot read the private scratch folder or the cached corpus).
    """
    prefix.mkdir(parents=True, exist_ok=True)
    (prefix / "site.conf").write_text(http_body)
    conf = prefix / "nginx.conf"
    user = pwd.getpwuid(os.getuid()).pw_name
    conf.write_text(
        f"""user {user};
worker_processes auto;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/site.conf;
}}
"""
    )
    command = [nginx, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(conf)]
    subprocess.run([*command, "-t", "-q"], check=True)
    return running(
        [*command, "-g", "daemon off;"],
        log=prefix / "nginx.log",
        ready=ready,
        timeout=60,
    )


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes


def fetch(url: str, timeout: float = 60) -> Answer:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


def workers_of(master: int) -> list[int]:
    """Child processes of ``master`` (gunicorn's workers), from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == master:
                    children.append(int(entry.name))
    return sorted(children)


def wait_idle(pids: list[int], timeout: float = 120) -> None:
    """Wait until ``pids`` stop using the CPU: requests a wrk run left queued (a slow page's,
    after wrk's own timeout) must not be counted against the next page."""
    deadline = time.monotonic() + timeout
    before = _cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = _cpu_seconds(pids)
        if now - before < 0.05:  # under 10% of one core
            return
        before = now


def _cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def peak_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    kilobytes = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE).group(1))
    return kilobytes / 1024


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


def wrk(wrk_path: str, url: str, *, duration: int, threads: int, connections: int) -> Load:
    command = [wrk_path, f"-t{threads}", f"-c{connections}", f"-d{duration}s"]
    command += ["--timeout", "5s", "--latency", url]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, check=True
    )
    return parse_wrk(done.stdout)


def parse_wrk(output: str) -> Load:
    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if match is None:
            raise SystemExit(f"wrk printed no {percent}% latency:\n{output}")
        return float(match.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]

    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    requests = re.search(r"^\s+(\d+) requests in", output, re.MULTILINE)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if rps is None or requests is None:
        raise SystemExit(f"could not read wrk's output:\n{output}")
    return Load(
        rps=float(rps.group(1)),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        requests=int(requests.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
    )
