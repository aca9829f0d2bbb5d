"""Install and build everything the stack needs; stdlib only (runs before the venv exists).

``python3 -m devstack.prepare [--for-tests]``:

1. the Python virtualenv ``.venv`` with the portal adapter (reinstalled when a
   pyproject changes);
2. the Node tools (maildev, axe-core) with ``npm ci`` (when the lock file changes);
3. the Keycloak extension jar, and the Keycloak distribution Maven unpacks beside it
   (rebuilt when a source changes);
4. Debian's PostgreSQL server when the switch ``HARIANE_DATABASE=postgres`` is on (see
   devstack/postgres.py) or for the tests (the cluster test always needs it);
5. ``--for-tests``: Debian's Chromium for the browser tests and HAProxy, the load balancer
   of the two-node Keycloak cluster test (devstack/cluster.py).

Debian packages are installed with apt-get only when missing (as root; otherwise the
message gives the command).

Each step says what failed and what to do; nothing is downloaded from anywhere but the
package registries (PyPI, npm, Maven Central, Debian).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from devstack import paths
from devstack.errors import StackError
from devstack.jdk import choose_jdk

CHROMIUM = Path("/usr/bin/chromium")
# The adapter's extras: its test tools, and psycopg for PostgreSQL mode and the cluster test.
ADAPTER_EXTRAS = "test,postgres"
PYPROJECTS = (
    paths.ROOT / "portal_adapter" / "pyproject.toml",
    paths.ROOT / "examples" / "voirie_app" / "pyproject.toml",
)


def _say(message: str) -> None:
    print(f"==> {message}", flush=True)


def _run(command: list[str], what: str, hint: str, **kwargs) -> None:
    """Run a step, turning a failure into a StackError saying what to do."""
    try:
        completed = subprocess.run(command, **kwargs)
    except FileNotFoundError as error:
        raise StackError(f"{what}: {error.filename} is not installed. {hint}") from error
    if completed.returncode != 0:
        raise StackError(f"{what} failed (exit code {completed.returncode}; its output is above). {hint}")


def _digest(files: list[Path]) -> str:
    sha = hashlib.sha256()
    for file in files:
        if file.exists():
            sha.update(file.read_bytes())
    return sha.hexdigest()


def _stamp_is_current(stamp: Path, digest: str) -> bool:
    return stamp.exists() and stamp.read_text() == digest


REGISTRY_HINT = (
    "If it could not reach the registry, check the network or proxy settings "
    "(pip: PIP_INDEX_URL; npm: `npm config get registry`; Maven: ~/.m2/settings.xml), then retry."
)


def python_env() -> None:
    python = paths.VENV / "bin" / "python"
    stamp = paths.VENV / ".hariane-installed"
    pyprojects = [p for p in PYPROJECTS if p.exists()]
    digest = _digest(pyprojects) + f" [{ADAPTER_EXTRAS}]"
    if python.exists() and _stamp_is_current(stamp, digest):
        return
    _say("Python environment (.venv)")
    if not python.exists():
        _run(
            [sys.executable, "-m", "venv", str(paths.VENV)],
            "Creating the virtualenv",
            "Install Python's venv module (`apt-get install python3-venv`).",
        )
    packages = ["-e", f"{paths.ROOT / 'portal_adapter'}[{ADAPTER_EXTRAS}]"]
    for pyproject in pyprojects[1:]:
        packages += ["-e", str(pyproject.parent)]
    _run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *packages],
        "Installing the Python packages",
        REGISTRY_HINT,
    )
    stamp.write_text(digest)


def node_tools() -> None:
    lock = paths.NODE_TOOLS / "package-lock.json"
    stamp = paths.NODE_TOOLS / "node_modules" / ".hariane-installed"
    digest = _digest([lock, paths.NODE_TOOLS / "package.json"])
    if paths.MAILDEV_BIN.exists() and _stamp_is_current(stamp, digest):
        return
    _say("Node tools (maildev, axe-core)")
    if shutil.which("npm") is None:
        raise StackError("npm is not installed: install Node.js 20 (`apt-get install nodejs npm`).")
    _run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        "npm ci in tools/node",
        REGISTRY_HINT,
        cwd=paths.NODE_TOOLS,
    )
    stamp.write_text(digest)


def _newest_mtime(folder: Path) -> float:
    return max((p.stat().st_mtime for p in folder.rglob("*") if p.is_file()), default=0.0)


def maven_env() -> dict[str, str]:
    jdk = choose_jdk()
    env = {**os.environ, "JAVA_HOME": str(jdk.home), "PATH": f"{jdk.home / 'bin'}:{os.environ.get('PATH', '')}"}
    if jdk.major >= 24:
        # Maven 3.8's bundled Guava warns loudly about sun.misc.Unsafe on new JDKs.
        env["MAVEN_OPTS"] = (env.get("MAVEN_OPTS", "") + " --sun-misc-unsafe-memory-access=allow").strip()
    return env


def extension(run_tests: bool = False) -> None:
    """Build the jar (and unpack Keycloak); with ``run_tests`` run the JUnit tests too."""
    from devstack.keycloak import keycloak_version  # stdlib-only as well

    dist = paths.KEYCLOAK_DIST_PARENT / f"keycloak-{keycloak_version()}"
    sources_mtime = max(_newest_mtime(paths.EXTENSION_DIR / "src"), paths.EXTENSION_POM.stat().st_mtime)
    up_to_date = (
        paths.EXTENSION_JAR.exists()
        and paths.EXTENSION_JAR.stat().st_mtime >= sources_mtime
        and (dist / "bin" / "kc.sh").exists()
    )
    if up_to_date and not run_tests:
        return
    if shutil.which("mvn") is None:
        raise StackError("Maven is not installed: `apt-get install maven`.")
    _say("Keycloak extension" + (" (with its unit tests)" if run_tests else "") + f" and Keycloak {keycloak_version()}")
    # With the tests, the Java format is checked first (Spotless, see CONTRIBUTING.md).
    goals = ["--no-transfer-progress", "spotless:check", "package"] if run_tests else ["-q", "package", "-DskipTests"]
    _run(
        ["mvn", "-B", "-f", str(paths.EXTENSION_POM), *goals],
        "The Maven build of idp_extension/",
        REGISTRY_HINT,
        env=maven_env(),
    )
    if not (dist / "bin" / "kc.sh").exists():
        raise StackError(f"Maven ran but {dist} is missing: remove .local/keycloak and retry.")


def compose_checker() -> None:
    """Build tools/composecheck (compose-go), which checks docker-compose.yml without Docker."""
    source = paths.ROOT / "tools" / "composecheck"
    if paths.COMPOSECHECK_BIN.exists() and paths.COMPOSECHECK_BIN.stat().st_mtime >= _newest_mtime(source):
        return
    if shutil.which("go") is None and not Path("/usr/local/go/bin/go").exists():
        raise StackError("Go is not installed: `apt-get install golang` (it builds tools/composecheck).")
    go = shutil.which("go") or "/usr/local/go/bin/go"
    _say("Compose checker (tools/composecheck)")
    _run(
        [go, "build", "-o", str(paths.COMPOSECHECK_BIN), "."],
        "go build in tools/composecheck",
        REGISTRY_HINT,
        cwd=source,
    )


_apt_updated = False


def debian_package(package: str, present: bool, why: str) -> None:
    """``apt-get install package`` when it is not ``present`` (root only; else say the command)."""
    global _apt_updated
    if present:
        return
    _say(f"Debian's {package} ({why})")
    if os.geteuid() != 0:
        raise StackError(f"{package} is missing: run `sudo apt-get install {package}`, then retry.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_updated:
        _run(["apt-get", "update", "-qq"], "apt-get update", REGISTRY_HINT, env=env)
        _apt_updated = True
    _run(["apt-get", "install", "-y", "-qq", package], f"apt-get install {package}", REGISTRY_HINT, env=env)


def chromium() -> None:
    debian_package("chromium", CHROMIUM.exists(), "the browser tests")


def postgresql() -> None:
    from devstack.postgres import bin_dir  # stdlib-only as well

    debian_package("postgresql", bin_dir() is not None, "PostgreSQL mode and the cluster test")


def haproxy() -> None:
    from devstack.cluster import HAPROXY  # stdlib-only as well

    debian_package("haproxy", HAPROXY.exists(), "the load balancer of the cluster test")


def apache_openidc() -> None:
    """Apache httpd (apache2-bin: the server and its modules, no system service started) and
    mod_auth_openidc, the independent relying party of tests/test_relying_client.py."""
    from devstack.apache_rp import APACHE, MOD_AUTH_OPENIDC  # stdlib-only as well

    debian_package("apache2-bin", APACHE.exists(), "the Apache relying-party test")
    debian_package("libapache2-mod-auth-openidc", MOD_AUTH_OPENIDC.exists(), "the Apache relying-party test")


def main(argv: list[str]) -> int:
    started = time.monotonic()
    for_tests = "--for-tests" in argv
    try:
        from devstack.postgres import POSTGRES, database_mode  # stdlib-only as well

        python_env()
        node_tools()
        extension(run_tests="--java-tests" in argv)
        if for_tests or database_mode() == POSTGRES:
            postgresql()
        if for_tests:
            compose_checker()
            chromium()
            haproxy()
            apache_openidc()
    except StackError as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 1
    _say(f"Prepared in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
