"""A self-signed certificate made at test time (never committed), for HAProxy's TLS front."""

from __future__ import annotations

import subprocess
from pathlib import Path


def self_signed_pem(folder: Path, hostnames: tuple[str, ...]) -> Path:
    """``folder/tls.pem``: the certificate then its key (HAProxy's ``crt`` format), for ``hostnames``
    and 127.0.0.1; ``folder/tls.crt`` alone for clients to trust."""
    folder.mkdir(parents=True, exist_ok=True)
    key, cert, pem = folder / "tls.key", folder / "tls.crt", folder / "tls.pem"
    names = ",".join([*(f"DNS:{name}" for name in hostnames), "IP:127.0.0.1"])
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={hostnames[0]}",
            "-addext",
            f"subjectAltName={names}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    pem.write_bytes(cert.read_bytes() + key.read_bytes())
    pem.chmod(0o600)
    return pem
