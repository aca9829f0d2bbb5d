"""`make run`'s stack (``python -m devstack.run``), as a newcomer uses it: it comes up and
prints its URLs, the portal's login round trip works, Ctrl-C stops every process it started,
and a restart keeps the users."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from devstack import paths
from devstack.demo import DEMO_ADMIN, DEMO_REGISTRY, DEMO_STRUCTURE_NAME, DEMO_STRUCTURE_SIRET, master_admin
from devstack.ports import is_port_free
from devstack.run import READY_LINE, free_port_variables
from devstack.secrets_store import load_or_create
from devstack.stack import REALM
from tests.support.browser_steps import keycloak_login

pytestmark = pytest.mark.slow


def _start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen, str]:
    """Start `make run`'s stack and return once it printed its ready line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "devstack.run"],
        cwd=paths.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        with process.stdout:
            for line in process.stdout:
                lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    output: list[str] = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        if line is None:
            break
        output.append(line)
        if line.strip() == READY_LINE:
            return process, "".join(output)
    process.kill()
    process.wait()
    log.write_text("".join(output))
    pytest.fail(f"make run did not get ready:\n{''.join(output)[-4000:]}")


def _interrupt(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=90)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_make_run_serves_the_stack_stops_on_ctrl_c_and_keeps_users(tmp_path, page):
    run_dir = paths.LOCAL / "test-runs" / f"make-run-{os.getpid()}"
    ports = free_port_variables()
    env = {**os.environ, "HARIANE_RUN_DIR": str(run_dir), **ports}
    keycloak_url = f"http://127.0.0.1:{ports['HARIANE_KEYCLOAK_PORT']}"
    portal_url = f"http://127.0.0.1:{ports['HARIANE_PORTAL_PORT']}"
    process = None
    try:
        process, output = _start(env, tmp_path / "run1.log")
        for url in (
            portal_url,
            f"{keycloak_url}/realms/{REALM}/account/",
            f"http://127.0.0.1:{ports['HARIANE_MAIL_UI_PORT']}",
        ):
            assert url.split("/realms")[0] in output, url
        secrets = load_or_create(run_dir / "secrets.env")
        assert secrets["KEYCLOAK_ADMIN_PASSWORD"] in output  # generated, printed, never fixed

        # The portal's login round trip with the demo administrator.
        page.goto(f"{portal_url}/connexion")
        assert page.locator("html").get_attribute("lang") == "fr"
        keycloak_login(page, DEMO_ADMIN.username, secrets["DEMO_USER_PASSWORD"])
        page.wait_for_url(f"{portal_url}/tableau-de-bord")
        assert page.get_by_text(f"Bonjour {DEMO_ADMIN.first_name} {DEMO_ADMIN.last_name}").is_visible()
        assert DEMO_STRUCTURE_NAME in page.locator("#structure").inner_text()  # the demo admin has a structure
        voirie_url = f"http://127.0.0.1:{ports['HARIANE_VOIRIE_PORT']}"
        assert requests.get(f"{voirie_url}/health", timeout=10).status_code == 200

        # the command line without settings works on make run's own database and pepper, and says so:
        # the demo registry make run imported is found again unchanged (same database, same pepper)
        cli = subprocess.run(
            [str(paths.VENV / "bin" / "portal-adapter"), "concessions", "import", str(DEMO_REGISTRY)],
            env={"PATH": os.environ["PATH"], "HARIANE_RUN_DIR": str(run_dir)},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cli.returncode == 0, cli.stderr
        assert f"(celle de make run, {run_dir / 'portal-adapter.env'})" in cli.stderr
        assert "0 créé, 0 mis à jour, 4 inchangés, 0 refusé" in cli.stdout
        assert not (tmp_path / "portal-adapter.db").exists()

        admin = master_admin(keycloak_url, "admin", secrets["KEYCLOAK_ADMIN_PASSWORD"], REALM)
        # the demo administrator came through « Créer un compte Pro » and « Activer mon compte »,
        # not the admin API: the CGU it accepted, the structure the registration created
        demo = admin.get_users({"username": DEMO_ADMIN.username, "exact": True})[0]
        assert demo["attributes"]["cguVersion"] and not demo.get("requiredActions")
        (membership,) = admin.get_user_organizations(demo["id"])
        structure = admin.get_organization(membership["id"])
        assert structure["alias"] == DEMO_STRUCTURE_SIRET
        assert structure["attributes"]["createdAt"] and structure["attributes"]["source"] != ["demo"]
        kept_id = admin.create_user(
            {
                "username": "pro.garde.memoire",
                "enabled": True,
                "email": "garde@exemple.test",
                "firstName": "Garde",
                "lastName": "Mémoire",
            }
        )

        # a run stopped between the registration and the activation: the next run activates it
        admin.update_user(demo["id"], {"requiredActions": ["hariane-activation"]})
        assert _interrupt(process) == 0
        for name, port in ports.items():
            assert is_port_free(int(port)), f"{name} still held after Ctrl-C"

        process, _ = _start(env, tmp_path / "run2.log")
        admin = master_admin(keycloak_url, "admin", secrets["KEYCLOAK_ADMIN_PASSWORD"], REALM)
        assert admin.get_user(kept_id)["username"] == "pro.garde.memoire"
        # the kept demo administrator is reused, not registered again
        assert [u["id"] for u in admin.get_users({"email": DEMO_ADMIN.email, "exact": True})] == [demo["id"]]
        assert not admin.get_user(demo["id"]).get("requiredActions")
        assert requests.get(f"{portal_url}/health", timeout=10).status_code == 200
        assert _interrupt(process) == 0
    finally:
        if process is not None and process.poll() is None:  # a failed check must not leave the stack running
            _interrupt(process)
        import shutil

        shutil.rmtree(run_dir, ignore_errors=True)
