"""A request cannot write a line of its own into the logs: request values are logged with
their line breaks and control characters escaped (portal adapter and reference app, under
the real gunicorn that serves them)."""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import pytest
import requests
from portal_adapter.web.log_safety import SafeFormatter
from voirie_app.log_safety import OneLineFormatter

FORGED = "2026-12-01 00:00:00,000 INFO portal_adapter.auth login: user FORGED"


def wait_for_line(log: Path, fragment: str, timeout: float = 10.0) -> list[str]:
    """The log's lines, once one of them contains ``fragment``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = log.read_text(errors="replace").split("\n")  # not splitlines(): it splits on NEL too
        if any(fragment in line for line in lines):
            return lines
        time.sleep(0.2)
    pytest.fail(f"{fragment!r} never reached {log}")


@pytest.mark.parametrize("app_fixture", ["portal", "voirie"])
def test_a_forged_log_line_in_a_request_stays_inside_its_own_record(request, app_fixture):
    app = request.getfixturevalue(app_fixture)

    # an ordinary refusal is logged, on one line, with the value as it came
    refused = requests.get(f"{app.url}/auth/callback", params={"error": "access_denied"}, timeout=10)
    assert refused.status_code == 400
    wait_for_line(app.log, "login refused by the identity provider: access_denied")

    forged = requests.get(
        f"{app.url}/auth/callback",
        params={"error": f"x\n{FORGED}\r\x1b[2K"},
        timeout=10,
        # gunicorn refuses C0 controls in headers, not C1 ones (NEL, U+0085: a line
        # break to Unicode-aware readers); its access log shows the User-Agent
        headers={"User-Agent": b"robot\x85NEL"},
    )
    assert forged.status_code == 400
    wait_for_line(app.log, '"robot\\x85NEL"')
    lines = wait_for_line(app.log, f"login refused by the identity provider: x\\n{FORGED}\\r\\x1b[2K")
    assert not [line for line in lines if line.startswith(FORGED)]
    assert not [line for line in lines if "\x1b" in line or "\x85" in line]


@pytest.mark.parametrize("formatter", [SafeFormatter(), OneLineFormatter()], ids=["portal", "voirie"])
def test_a_traceback_keeps_its_lines_but_none_passes_for_a_record(formatter):
    try:
        raise ValueError(f"bad value x\n{FORGED}")
    except ValueError:
        record = logging.LogRecord(
            "portal_adapter.errors",
            logging.ERROR,
            __file__,
            1,
            "unexpected error: %s %d",
            (f"y\u2028{FORGED}", 3),
            sys.exc_info(),
        )
    first, *rest = formatter.format(record).split("\n")
    assert f"unexpected error: y\\u2028{FORGED} 3" in first
    assert rest[0].strip() == "Traceback (most recent call last):"
    assert rest[-1].strip() == FORGED  # the exception's own second line, indented
    assert all(line.startswith("  ") for line in rest)
