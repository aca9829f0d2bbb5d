"""Which database and pepper the command line works on. Nothing implicit outside development:
a command that writes to the database refuses to run unless ``PORTAL_DATABASE_URL`` and
``CONCESSION_CODE_PEPPER`` are both given. In development, without them, it uses those of
``make run``, which writes them to ``portal-adapter.env`` in its data folder (``.local/run`` of
the checkout, or ``HARIANE_RUN_DIR``); never a database in the current folder."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import make_url

from portal_adapter.config import ConfigError, Settings

EXPLICIT = ("PORTAL_DATABASE_URL", "CONCESSION_CODE_PEPPER")
RUN_ENV_FILE = "portal-adapter.env"
_CHECKOUT = Path(__file__).resolve().parents[4]


def make_run_dir(environ: Mapping[str, str]) -> Path | None:
    if environ.get("HARIANE_RUN_DIR"):
        return Path(environ["HARIANE_RUN_DIR"]).resolve()
    return _CHECKOUT / ".local" / "run" if (_CHECKOUT / "devstack").is_dir() else None


def _read_env_file(file: Path) -> dict[str, str]:
    values = {}
    for line in file.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def database_settings(environ: Mapping[str, str] | None = None) -> tuple[Settings, str]:
    """The settings of a command that uses the database, and a French phrase saying whose it is.
    Raises :class:`ConfigError` (a French sentence) when they are not explicit enough."""
    environ = dict(os.environ if environ is None else environ)
    given = [name for name in EXPLICIT if environ.get(name)]
    env = environ.get("PORTAL_ENV") or "development"
    if len(given) == len(EXPLICIT):
        return Settings.from_env(environ), "indiquée par PORTAL_DATABASE_URL"
    if given:
        missing = next(name for name in EXPLICIT if name not in given)
        raise ConfigError(f"{given[0]} est défini mais pas {missing} : indiquez les deux, ceux du déploiement visé.")
    if env != "development":
        raise ConfigError(
            f"PORTAL_ENV={env} : indiquez la base de données et la clé des codes d'accès du déploiement "
            "visé (PORTAL_DATABASE_URL et CONCESSION_CODE_PEPPER), rien n'est pris par défaut."
        )
    run_dir = make_run_dir(environ)
    file = run_dir / RUN_ENV_FILE if run_dir else None
    if file is None or not file.is_file():
        where = f" ({file} est absent)" if file else ""
        raise ConfigError(
            f"Aucune base de développement trouvée{where} : lancez « make run » une fois, ou indiquez "
            "PORTAL_DATABASE_URL et CONCESSION_CODE_PEPPER."
        )
    values = _read_env_file(file)
    return Settings.from_env(environ | {name: values.get(name, "") for name in EXPLICIT}), f"celle de make run, {file}"


def shown(url: str) -> str:
    """The database URL without its password."""
    return make_url(url).render_as_string(hide_password=True)
