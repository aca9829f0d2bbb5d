"""An independent OpenID Connect relying party: Debian's Apache httpd with mod_auth_openidc,
started from a private configuration file on a loopback port (``apache2 -f FILE -X``), never
the system's Apache. Its page /app/ answers 200 once logged in and echoes, in response headers,
the ``OIDC_CLAIM_*`` environment variables mod_auth_openidc gives the application: what a
relying app in Apache reads (docs/claims.md). Stdlib only."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from devstack.errors import StackError
from devstack.ports import ensure_port_free
from devstack.process import spawn, stop_process_group, tail, wait_http_ok

APACHE = Path("/usr/sbin/apache2")  # Debian package apache2-bin
MODULES = Path("/usr/lib/apache2/modules")
MOD_AUTH_OPENIDC = MODULES / "mod_auth_openidc.so"  # Debian package libapache2-mod-auth-openidc

# claim -> response header carrying mod_auth_openidc's OIDC_CLAIM_<claim> variable
ECHOED_CLAIMS = {
    "pro_profile": "X-Claim-Pro-Profile",
    "roles": "X-Claim-Roles",
    "structure": "X-Claim-Structure",
    "concession_ids": "X-Claim-Concession-Ids",
    "concessions": "X-Claim-Concessions",
}
MODULE_FILES = {
    "mpm_event_module": "mod_mpm_event.so",
    "authn_core_module": "mod_authn_core.so",
    "authz_core_module": "mod_authz_core.so",
    "authz_user_module": "mod_authz_user.so",
    "headers_module": "mod_headers.so",
    "mime_module": "mod_mime.so",
    "auth_openidc_module": "mod_auth_openidc.so",
}


@dataclass
class ApacheRelyingParty:
    """One Apache process, its folder and its OpenID Connect client."""

    home: Path
    port: int
    issuer: str  # e.g. http://127.0.0.1:8080/realms/hariane-pro
    client_id: str
    client_secret: str
    process: subprocess.Popen | None = None
    # The pages Apache serves. Its worker runs as `nobody`, which may not enter the clone
    # (a clone in root's 0700 home): they live in a world-readable folder of their own.
    htdocs: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def redirect_uri(self) -> str:
        return f"{self.url}/app/redirect_uri"

    @property
    def error_log(self) -> Path:
        return self.home / "error.log"

    def config(self) -> str:
        modules = "\n".join(f"LoadModule {name} {MODULES / file}" for name, file in MODULE_FILES.items())
        echoes = "\n".join(
            f'    Header set {header} "%{{OIDC_CLAIM_{claim}}}e"' for claim, header in ECHOED_CLAIMS.items()
        )
        return f"""{modules}
ServerName 127.0.0.1
User nobody
Group nogroup
Listen 127.0.0.1:{self.port}
PidFile {self.home / "httpd.pid"}
DefaultRuntimeDir {self.home}
ErrorLog {self.error_log}
LogLevel warn auth_openidc:info
DocumentRoot {self.htdocs}
TypesConfig /dev/null
AddType "text/plain; charset=utf-8" .txt

OIDCProviderMetadataURL {self.issuer}/.well-known/openid-configuration
OIDCClientID {self.client_id}
OIDCClientSecret {self.client_secret}
OIDCRedirectURI {self.redirect_uri}
OIDCCryptoPassphrase {secrets.token_urlsafe(32)}
OIDCScope "openid"
OIDCPKCEMethod S256
OIDCPassClaimsAs environment

<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory {self.htdocs}>
    Require all granted
</Directory>
<Location /app/>
    AuthType openid-connect
    Require valid-user
{echoes}
</Location>
"""

    def start(self, timeout: float = 30.0) -> None:
        for needed, package in ((APACHE, "apache2-bin"), (MOD_AUTH_OPENIDC, "libapache2-mod-auth-openidc")):
            if not needed.exists():
                raise StackError(f"{needed} is missing: `python3 -m devstack.prepare --for-tests` installs {package}.")
        ensure_port_free(self.port, "Apache relying party")
        self.htdocs = Path(tempfile.mkdtemp(prefix="hariane-apache-rp-"))
        self.htdocs.chmod(0o755)
        (self.htdocs / "app").mkdir(mode=0o755)
        (self.htdocs / "ready.txt").write_text("ok\n")
        (self.htdocs / "app" / "index.txt").write_text("Application de test : connecté.\n")
        config = self.home / "httpd.conf"
        config.write_text(self.config())
        self.process = spawn([str(APACHE), "-f", str(config), "-X"], self.home / "stdout.log", cwd=self.home)
        wait_http_ok(f"{self.url}/ready.txt", self.process, "Apache (mod_auth_openidc)", self.error_log, timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process_group(self.process)
        if self.htdocs is not None:
            shutil.rmtree(self.htdocs, ignore_errors=True)

    def log_tail(self) -> str:
        return tail(self.error_log)
