"""What ``newscenter serve`` runs: granian with the front (asgi.py), and the worker beside it.

The two run as children of this process, which passes signals on: SIGTERM and SIGINT stop
both, SIGHUP makes granian respawn its workers one by one (new code, no dropped connection)
and restarts the worker. A worker that dies is started again, and so is granian when it ends
unasked after serving for a while (a `kill -9` of its main process, say); granian ending at
once (a port in use, a broken setting) ends this process with granian's status.

Stopping is bounded: granian's workers get WORKERS_KILL_TIMEOUT to finish, and whatever of
granian's process group still runs STOP_GRACE after the signal is killed (a granian worker can
hang on shutdown). Children are told to end if this process dies (PR_SET_PDEATHSIG), so a
`kill -9` of `serve` leaves nothing serving behind it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

RESTART_PAUSE = 1.0  # seconds before a worker that died is started again
SERVED_FOR = 10.0  # seconds granian must have run to be started again when it ends unasked
WORKERS_KILL_TIMEOUT = 20  # seconds granian gives a worker to stop before killing it
STOP_GRACE = 30.0  # seconds after SIGTERM before what is left is killed
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover (runs in the child before exec)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def default_workers() -> int:
    """Processes that answer requests: one per core, each with threads of its own."""
    return max(1, os.cpu_count() or 1)


def granian_argv(
    *, host: str, port: int, workers: int, header_timeout: float, access_log: bool
) -> list[str]:
    argv = [
        sys.executable, "-m", "granian", "--interface", "asgi", "newscenter.asgi:application",
        "--host", host, "--port", str(port), "--workers", str(workers),
        # Headers must arrive within this long: a slow client is cut off, and never holds
        # a thread in the first place (the front reads bodies before taking one).
        "--http1-header-read-timeout", str(int(header_timeout * 1000)),
        "--respawn-failed-workers",
        "--workers-kill-timeout", str(WORKERS_KILL_TIMEOUT),
        "--log-level", "warning",
    ]  # fmt: skip
    if access_log:
        argv.append("--access-log")
    return argv


class Supervisor:
    def __init__(self, server: Sequence[str], worker: Sequence[str] | None):
        self.server_argv, self.worker_argv = list(server), list(worker) if worker else None
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.stopping = False
        self.stop_deadline = float("inf")

    def run(self) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._stop)
        signal.signal(signal.SIGHUP, self._reload)
        server, started = self._start_server()
        self._start_worker()
        while True:
            code = server.poll()
            if code is not None:
                self._kill_group(server.pid)  # workers granian left behind, if any
                if not self.stopping and time.monotonic() - started >= SERVED_FOR:
                    print(f"The server ended unasked (status {code}): starting it again.",
                          file=sys.stderr)  # fmt: skip
                    time.sleep(RESTART_PAUSE)
                    if not self.stopping:  # a stop asked for during the pause is kept
                        server, started = self._start_server()
                        continue
                    code = 0
                self._end_worker()
                if not self.stopping:
                    print(f"The server ended unasked (status {code}).", file=sys.stderr)
                return code
            if time.monotonic() > self.stop_deadline:
                print("The server did not stop in time: killing it.", file=sys.stderr)
                self._kill_group(server.pid)
            if self.worker is not None and self.worker.poll() is not None and not self.stopping:
                time.sleep(RESTART_PAUSE)
                self._start_worker()
            time.sleep(0.2)

    def _start_server(self) -> tuple[subprocess.Popen, float]:
        # granian leads a process group of its own, so that what it leaves can be killed.
        self.server = subprocess.Popen(
            self.server_argv, process_group=0, preexec_fn=_die_with_parent
        )
        return self.server, time.monotonic()

    def _start_worker(self) -> None:
        if self.worker_argv is not None and not self.stopping:
            self.worker = subprocess.Popen(self.worker_argv, preexec_fn=_die_with_parent)

    def _end_worker(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.worker.terminate()
            try:
                self.worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.worker.kill()

    @staticmethod
    def _kill_group(leader: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(leader, signal.SIGKILL)

    def _stop(self, signum: int, frame: object) -> None:
        self.stopping = True
        self.stop_deadline = min(self.stop_deadline, time.monotonic() + STOP_GRACE)
        for child in (self.server, self.worker):
            if child is not None and child.poll() is None:
                child.send_signal(signal.SIGTERM)

    def _reload(self, signum: int, frame: object) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGHUP)
        if self.worker is not None and self.worker.poll() is None:
            self.worker.terminate()  # the loop starts it again, with the new code
