"""Static export of a generated corpus: full, unchanged, after one edit; files, bytes, memory.

    .venv/bin/python bench/export.py [--articles 10000] [--data DIR] [--keep]

Builds a throw-away site (SQLite in a temporary folder, articles through the services' bulk
path as bench/search.py fills), then times `newscenter export` as a user runs it, in a
subprocess (Python start-up and Django set-up included, as Hugo's time includes its own):
a full export into an empty folder, a second run with nothing changed, and a run after one
edit (the headline of the newest article). bench/serve.py imports `measure_export` to put
these figures beside Hugo's. Compare figures only within one run on the same machine.
"""

from __future__ import annotations

import argparse
import os
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
    print(f"… filling {args.articles:,} articles in {data_dir}", file=sys.stderr, flush=True)
    fill(data_dir, args.articles)
    out_dir = Path(tempfile.mkdtemp(prefix="newscenter-export-out-"))
    try:
        result = measure_export(data_dir, out_dir)
    finally:
        if not args.keep:
            shutil.rmtree(out_dir, ignore_errors=True)
            if not args.data:
                shutil.rmtree(data_dir, ignore_errors=True)
    print_table(args.articles, result)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--data", help="an existing folder to fill (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the site and the export")
    return parser.parse_args()


def fill(data_dir: Path, count: int) -> None:
    """A migrated site in ``data_dir`` with ``count`` published articles, in a subprocess."""
    code = (
        "import sys; sys.path.insert(0, {bench!r}); from pathlib import Path; "
        "from throwaway import throwaway_site; throwaway_site(Path({data!r})); "
        "from corpus import Corpus; Corpus(seed={count}).fill({count})"
    ).format(bench=str(REPO / "bench"), data=str(data_dir), count=count)
    subprocess.run([sys.executable, "-c", code], env=_env(data_dir), check=True)


def measure_export(data_dir: Path, out_dir: Path) -> dict:
    """Time `newscenter export` on the site in ``data_dir`` (already filled) into ``out_dir``.

    Returns full_s, unchanged_s, one_edit_s, files, bytes and peak_mb (the largest resident
    set of an export process or one of its workers).
    """
    env = _env(data_dir)
    shutil.rmtree(out_dir, ignore_errors=True)
    # Static files collected once beforehand, as `newscenter serve` leaves them.
    _newscenter(env, "collectstatic", "--noinput", "-v", "0")
    full, peak_kb = _timed(env, "export", str(out_dir))
    unchanged, peak = _timed(env, "export", str(out_dir))
    _newscenter(env, "shell", "-c", EDIT)
    one_edit, peak_edit = _timed(env, "export", str(out_dir))
    files = [p for p in out_dir.rglob("*") if p.is_file()]
    peak_kb = max(peak_kb, peak, peak_edit)
    return {
        "full_s": full,
        "unchanged_s": unchanged,
        "one_edit_s": one_edit,
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "peak_mb": peak_kb / 1024,
    }


def _env(data_dir: Path) -> dict:
    # The caller's environment (DATABASE_URL, static files storage ...) describes the site.
    env = dict(os.environ, NEWSCENTER_DATA_DIR=str(data_dir))
    env.setdefault("NEWSCENTER_HTTPS", "false")
    env.setdefault("DJANGO_SETTINGS_MODULE", "newscenter.settings")
    return env


def _newscenter(env: dict, *args: str) -> str:
    command = [sys.executable, "-m", "newscenter", *args]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


def _timed(env: dict, *args: str) -> tuple[float, int]:
    """Seconds of one `newscenter` run, and its peak resident set in KB (workers included:
    wait4 reports the largest of the process and the children it waited for)."""
    command = [sys.executable, "-m", "newscenter", *args]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command, output)
    print(f"  {output.strip()}", file=sys.stderr, flush=True)
    return seconds, usage.ru_maxrss


def print_table(articles: int, result: dict) -> None:
    print()
    print(f"Static export of {articles:,} articles (`newscenter export DIR`, wall time)")
    print(f"{'run':<28} {'seconds':>8}")
    print(f"{'full, into an empty folder':<28} {result['full_s']:>8.1f}")
    print(f"{'again, nothing changed':<28} {result['unchanged_s']:>8.1f}")
    print(f"{'after one headline edit':<28} {result['one_edit_s']:>8.1f}")
    print(f"\n{result['files']:,} files, {result['bytes'] / 1e6:,.1f} MB; ", end="")
    print(f"peak memory {result['peak_mb']:,.0f} MB (largest export process)")


if __name__ == "__main__":
    sys.exit(main())
