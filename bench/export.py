"""Static export of a generated corpus: full, unchanged, after one edit; files, bytes, memory.

    .venv/bin/python bench/export.py [--articles 10000] [--data DIR] [--keep]
        [--hugo [--rounds 2]]

Builds a throw-away site (SQLite in a temporary folder, articles through the services' bulk
path as bench/search.py fills), then times `newscenter export` as a user runs it, in a
subprocess (Python start-up and Django set-up included, as Hugo's time includes its own):
a full export into an empty folder, a second run with nothing changed, and a run after one
edit (the headline of the newest article); then three edits more with `export DIR --watch`
running, each timed by the run it makes (its summary's seconds; it looks every 0.1 s).
bench/serve.py imports `measure_export` to put these figures beside Hugo's. Compare figures
only within one run on the same machine.

With ``--hugo`` (Hugo on the PATH, Debian's package), Hugo builds the same articles as
Markdown (bench/staticgen.py) and full exports and Hugo builds take turns, ``--rounds``
times: wall time, CPU time (user + system of the process and its workers, from wait4) and
the load average before each, since the machine is shared. ``--data DIR`` with a filled
site skips the fill.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EDIT = (
    "from newscenter.news import services; from newscenter.news.models import Article; "
    "from newscenter.news.policy import SYSTEM; "
    "a = Article.objects.published().first(); "
    "services.article_update(article=a, acting_user=SYSTEM, headline=a.headline + ' (updated)')"
)


def main() -> None:
    args = _arguments()
    data_dir = Path(args.data or tempfile.mkdtemp(prefix="newscenter-export-bench-"))
    if not (data_dir / "newscenter.sqlite3").exists() or not args.data:
        print(f"… filling {args.articles:,} articles in {data_dir}", file=sys.stderr, flush=True)
        fill(data_dir, args.articles)
    else:  # a site filled by older code: brought up to this code's tables first
        _newscenter(_env(data_dir), "migrate", "--noinput", "-v", "0")
    out_dir = Path(tempfile.mkdtemp(prefix="newscenter-export-out-"))
    try:
        rounds = against_hugo(data_dir, out_dir, args.rounds) if args.hugo else []
        result = measure_export(data_dir, out_dir)
    finally:
        if not args.keep:
            shutil.rmtree(out_dir, ignore_errors=True)
            if not args.data:
                shutil.rmtree(data_dir, ignore_errors=True)
    print_table(args.articles, result, rounds)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument(
        "--data", help="a folder to fill, or a site filled before (default: a temporary one)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the site and the export")
    parser.add_argument("--hugo", action="store_true", help="full exports and Hugo take turns")
    parser.add_argument("--rounds", type=int, default=2, help="turns of export and Hugo")
    return parser.parse_args()


def fill(data_dir: Path, count: int) -> None:
    """A migrated site in ``data_dir`` with ``count`` published articles, in a subprocess."""
    code = (
        "import sys; sys.path.insert(0, {bench!r}); from pathlib import Path; "
        "from throwaway import throwaway_site; throwaway_site(Path({data!r})); "
        "from corpus import Corpus; Corpus(seed={count}).fill({count})"
    ).format(bench=str(REPO / "bench"), data=str(data_dir), count=count)
    subprocess.run([sys.executable, "-c", code], env=_env(data_dir), check=True)


def against_hugo(data_dir: Path, out_dir: Path, rounds: int) -> list[dict]:
    """Full exports into an empty folder and full Hugo builds of the same articles, taking
    turns (who goes first alternates): per run wall s, CPU s and the load average before."""
    import staticgen  # bench/staticgen.py

    hugo = shutil.which("hugo")
    if hugo is None:
        raise SystemExit("hugo is not on the PATH (apt-get install hugo)")
    env = _env(data_dir)
    _newscenter(env, "collectstatic", "--noinput", "-v", "0")
    hugo_site = out_dir.with_name(out_dir.name + "-hugo")
    subprocess.run(
        [sys.executable, str(REPO / "bench" / "staticgen.py"), str(data_dir), str(hugo_site)],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    hugo_command = [hugo, "--quiet", "--source", str(hugo_site)]

    def run(tool: str) -> tuple[float, float, int]:
        if tool == "hugo":
            staticgen.clean(hugo_site)
            return _run_command(hugo_command, env)
        shutil.rmtree(out_dir, ignore_errors=True)
        return _run(env, "export", str(out_dir))

    found = []
    try:
        for n in range(rounds):
            for tool in ("export", "hugo") if n % 2 == 0 else ("hugo", "export"):
                load = os.getloadavg()[0]
                wall, cpu, _ = run(tool)
                found.append(
                    {"round": n + 1, "tool": tool, "wall_s": wall, "cpu_s": cpu, "load": load}
                )
                line = f"round {n + 1} {tool}: {wall:.1f} s wall, {cpu:.1f} s CPU, load {load:.1f}"
                print(f"  {line}", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(hugo_site, ignore_errors=True)
    return found


def measure_export(data_dir: Path, out_dir: Path) -> dict:
    """Time `newscenter export` on the site in ``data_dir`` (already filled) into ``out_dir``.

    Returns full_s, unchanged_s, one_edit_s (and their CPU seconds, *_cpu_s), files, bytes
    and peak_mb (the largest resident set of an export process or one of its workers).
    """
    env = _env(data_dir)
    shutil.rmtree(out_dir, ignore_errors=True)
    # Static files collected once beforehand, as `newscenter serve` leaves them.
    _newscenter(env, "collectstatic", "--noinput", "-v", "0")
    full, full_cpu, peak_kb = _run(env, "export", str(out_dir))
    unchanged, unchanged_cpu, peak = _run(env, "export", str(out_dir))
    _newscenter(env, "shell", "-c", EDIT)
    one_edit, one_edit_cpu, peak_edit = _run(env, "export", str(out_dir))
    resident = _resident_edits(env, out_dir, edits=3)
    files = [p for p in out_dir.rglob("*") if p.is_file()]
    peak_kb = max(peak_kb, peak, peak_edit)
    return {
        "full_s": full,
        "full_cpu_s": full_cpu,
        "unchanged_s": unchanged,
        "unchanged_cpu_s": unchanged_cpu,
        "one_edit_s": one_edit,
        "one_edit_cpu_s": one_edit_cpu,
        "resident": resident,
        "load": os.getloadavg()[0],
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "peak_mb": peak_kb / 1024,
    }


def _resident_edits(env: dict, out_dir: Path, edits: int) -> list[tuple[float, float]]:
    """`newscenter export DIR --watch` running; for each edit, the seconds of the run it
    makes (from its summary: the run may start and even end before the editing process has
    exited) and the CPU seconds the export process and its workers spent from just before
    the edit to the summary (/proc: user + system, waited children too)."""
    command = [sys.executable, "-m", "newscenter", "export", str(out_dir), "--watch"]
    command += ["--interval", "0.1"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE)
    found = []
    try:
        process.stdout.readline()  # the run it starts with: nothing changed
        for _ in range(edits):
            before = _cpu_of(process.pid)
            _newscenter(env, "shell", "-c", EDIT)
            line = process.stdout.readline().decode().strip()
            seconds = float(re.search(r" in ([\d.]+) s:", line)[1])
            found.append((seconds, _cpu_of(process.pid) - before))
            print(f"  resident: {line}", file=sys.stderr, flush=True)
    finally:
        process.terminate()
        process.wait()
    return found


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(n) for n in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def _env(data_dir: Path) -> dict:
    # The caller's environment (DATABASE_URL, static files storage ...) describes the site.
    env = dict(os.environ, NEWSCENTER_DATA_DIR=str(data_dir))
    env.setdefault("NEWSCENTER_HTTPS", "false")
    env.setdefault("DJANGO_SETTINGS_MODULE", "newscenter.settings")
    return env


def _newscenter(env: dict, *args: str) -> str:
    command = [sys.executable, "-m", "newscenter", *args]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


def _run(env: dict, *args: str) -> tuple[float, float, int]:
    return _run_command([sys.executable, "-m", "newscenter", *args], env)


def _run_command(command: list[str], env: dict) -> tuple[float, float, int]:
    """Wall seconds of one command, its CPU seconds (user + system) and its peak resident
    set in KB, workers included: wait4 reports the process and the children it waited for."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command, output)
    if output.strip():
        print(f"  {output.strip()}", file=sys.stderr, flush=True)
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def print_table(articles: int, result: dict, rounds: list[dict]) -> None:
    if rounds:
        print(f"\nFull export against Hugo, {articles:,} articles, taking turns")
        print(f"{'round':<6} {'tool':<8} {'wall s':>8} {'CPU s':>8} {'load':>6}")
        for run in rounds:
            print(
                f"{run['round']:<6} {run['tool']:<8} {run['wall_s']:>8.1f} {run['cpu_s']:>8.1f} "
                f"{run['load']:>6.1f}"
            )
    print()
    load = result["load"]
    print(f"Static export of {articles:,} articles (`newscenter export DIR`; load {load:.1f})")
    print(f"{'run':<28} {'wall s':>8} {'CPU s':>8}")
    for label, key in (
        ("full, into an empty folder", "full"),
        ("again, nothing changed", "unchanged"),
        ("after one headline edit", "one_edit"),
    ):
        print(f"{label:<28} {result[key + '_s']:>8.1f} {result[key + '_cpu_s']:>8.1f}")
    for n, (wall, cpu) in enumerate(result["resident"], start=1):
        print(f"{f'edit {n}, resident (--watch)':<28} {wall:>8.2f} {cpu:>8.2f}")
    print(f"\n{result['files']:,} files, {result['bytes'] / 1e6:,.1f} MB; ", end="")
    print(f"peak memory {result['peak_mb']:,.0f} MB (largest export process)")


if __name__ == "__main__":
    sys.exit(main())
