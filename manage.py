#!/usr/bin/env python
import os
import sys
import traceback


def failed_to_connect(exc: BaseException) -> bool:
    """True when the error was raised while opening the connection, not by a query."""
    return any(frame.name in {"connect", "get_new_connection"} for frame in traceback.extract_tb(exc.__traceback__))


def _database_description() -> tuple[str, str]:
    """Where the database is and what to do about it, from the parsed settings so no password is shown."""
    from django.conf import settings  # noqa: PLC0415 (as in main(): Django after the settings module is chosen)

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite file {db['NAME']}", "check that its folder exists and is writable, or correct DATABASE_URL"
    where = f"PostgreSQL at {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}, database {db.get('NAME')!r}"
    return where, "start it (scripts/postgres.sh start) or correct DATABASE_URL"


def _one_line(exc: BaseException) -> str:
    # psycopg repeats the same failure once per address tried; keep each line once.
    lines = dict.fromkeys(
        " ".join(line.split()).removeprefix("connection failed: ") for line in str(exc).splitlines() if line.strip()
    )
    return "; ".join(lines).rstrip(".?") or exc.__class__.__name__


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings.dev")
    # Django's own manage.py pattern: Django is imported once the settings module is chosen.
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415
    from django.core.management import execute_from_command_line  # noqa: PLC0415
    from django.db.utils import OperationalError  # noqa: PLC0415

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A wrong setting gets one clear line, not a traceback wall.
        sys.stderr.write(f"Configuration error: {exc}\n")
        sys.exit(2)
    except OperationalError as exc:
        if not failed_to_connect(exc):
            raise  # a failing query is a bug to read in full
        where, advice = _database_description()
        sys.stderr.write(
            f"Database error: cannot connect to the database named by DATABASE_URL ({where}): "
            f"{_one_line(exc)}. Please {advice}.\n"
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
