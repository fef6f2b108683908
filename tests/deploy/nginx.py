"""Run nginx with deploy/nginx/newscenter.conf.template, as the current user, in a folder of
its own: a free loopback port, its own pid file, logs, temporary files and cache."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import string
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "deploy" / "nginx" / "newscenter.conf.template"
PLACEHOLDERS = ("NEWSCENTER_LISTEN", "NEWSCENTER_UPSTREAM", "NEWSCENTER_STATIC_ROOT",
                "NEWSCENTER_CACHE_DIR")  # fmt: skip


def nginx_binary() -> str | None:
    """nginx on PATH, or where Debian puts it (/usr/sbin is not on every user's PATH)."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def render(values: dict[str, str]) -> str:
    """The template with our placeholders filled in, as envsubst would with their names."""
    return string.Template(TEMPLATE.read_text()).safe_substitute(values)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main_config(prefix: Path, include: Path) -> str:
    """A whole nginx.conf around the include, everything under ``prefix``."""
    # Workers run as the master's user; as root nginx would switch them to "nobody", who
    # cannot enter the test's private temporary folder.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
daemon off;
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log stderr notice;
{user}
events {{ worker_connections 128; }}
http {{
    types {{ text/css css; application/javascript js; text/plain txt; }}
    access_log {prefix / "access.log"};
{temp}
    include {include};
}}
"""


class Nginx:
    def __init__(self, prefix: Path, *, upstream: str, static_root: Path) -> None:
        self.binary = nginx_binary()
        assert self.binary, "nginx is not installed"
        self.prefix = prefix
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        include = prefix / "newscenter.conf"
        include.write_text(
            render(
                {
                    "NEWSCENTER_LISTEN": f"127.0.0.1:{self.port}",
                    "NEWSCENTER_UPSTREAM": upstream,
                    "NEWSCENTER_STATIC_ROOT": str(static_root),
                    "NEWSCENTER_CACHE_DIR": str(prefix / "cache"),
                }
            )
        )
        self.config = prefix / "nginx.conf"
        self.config.write_text(main_config(prefix, include))
        self.process: subprocess.Popen | None = None

    def command(self, *args: str) -> list[str]:
        return [self.binary, "-p", str(self.prefix), "-c", str(self.config), "-e", "stderr", *args]

    def test_config(self) -> subprocess.CompletedProcess:
        return subprocess.run(self.command("-t"), capture_output=True, text=True)

    def start(self) -> None:
        self.log = (self.prefix / "error.log").open("w")
        self.process = subprocess.Popen(self.command(), stderr=self.log)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.prefix / 'error.log').read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start listening")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish requests, then exit
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
