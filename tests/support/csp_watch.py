"""Content-Security-Policy violations reported by Chromium, collected per browser context.

Two sources, so nothing slips through: the ``securitypolicyviolation`` event of every
document and frame (listened to from an init script, which Playwright injects outside the
page's CSP), and Chromium's console messages about a policy (some violations, such as a
refused frame, only show there). ``conftest.page`` watches every browser test's context and
fails the test on any violation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__hariane_csp_violation({
    directive: event.effectiveDirective, blocked: event.blockedURI, page: event.documentURI,
    sample: event.sample, line: event.lineNumber,
  });
}, true);
"""
CONSOLE_MARKS = ("Content Security Policy", "Content-Security-Policy")


@dataclass
class CspViolations:
    """What Chromium refused in one browser context, in the order it was reported."""

    events: list[dict] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.events or self.console)

    def report(self) -> str:
        return "\n".join(
            [f"securitypolicyviolation: {event}" for event in self.events]
            + [f"console: {message}" for message in self.console]
        )


def watch_csp(context) -> CspViolations:
    """Start collecting the CSP violations of ``context`` (call before opening its pages)."""
    seen = CspViolations()
    context.expose_binding("__hariane_csp_violation", lambda _source, event: seen.events.append(event))
    context.add_init_script(LISTENER)

    def on_console(message) -> None:
        if any(mark in message.text for mark in CONSOLE_MARKS):
            seen.console.append(f"{message.page.url if message.page else '?'}: {message.text}")

    context.on("console", on_console)
    return seen
