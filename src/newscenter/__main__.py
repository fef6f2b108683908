"""`newscenter ...` and `python -m newscenter ...`: Django's management commands.

Exit status: 0 when the command did what it was asked; 1 when it could not, with one line
on standard error saying why (a refusal, bad input, or storage that cannot be written);
2 for a mistake in the command line itself (argparse's usage message).
"""

import errno
import os
import sys

STORAGE_ERRNOS = {errno.EROFS, errno.ENOSPC, errno.EACCES, errno.EPERM, errno.EDQUOT}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newscenter.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError, IntegrityError

    try:
        execute_from_command_line(["newscenter", *(sys.argv[1:] if argv is None else argv)])
    except OSError as error:
        if error.errno not in STORAGE_ERRNOS:
            raise
        where = f" {error.filename}" if error.filename else ""
        _fail(f"cannot write{where}: {error.strerror} (is NEWSCENTER_DATA_DIR writable?)")
    except IntegrityError:
        raise
    except DatabaseError as error:
        _fail(f"the database cannot be used: {error} (is NEWSCENTER_DATA_DIR writable?)")


def _fail(message: str) -> None:
    sys.stderr.write(f"newscenter: {message}\n")
    sys.exit(1)


if __name__ == "__main__":
    main()
