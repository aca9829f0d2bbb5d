"""``make reset``: forget ``make run``'s data (users, secrets, logs), including the PostgreSQL
data kept outside a private clone (devstack/postgres.py). Stdlib only."""

import shutil

from devstack import paths, postgres


def main() -> int:
    postgres.remove(paths.RUN_DIR / "postgres")
    shutil.rmtree(paths.RUN_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
