"""E-mails the adapter sends itself (alerts to the metropolis and to structures), over SMTP,
in the background: a slow or absent mail server never delays nor breaks a page. Without
``SMTP_HOST`` the message is only logged."""

from __future__ import annotations

import logging
import smtplib
import threading
from email.message import EmailMessage

from portal_adapter.config import Settings

log = logging.getLogger(__name__)


def send(
    settings: Settings, to: list[str], subject: str, body: str, *, wait: bool = False, html: str | None = None
) -> None:
    """``body``: plain text; ``html``: the same message in HTML, sent as its alternative."""

    def deliver() -> None:
        try:
            send_now(settings, to, subject, body, html=html)
        except (OSError, smtplib.SMTPException) as error:
            log.error("e-mail to %s failed (%s): %s", ", ".join(sorted(set(to))), error, subject)

    thread = threading.Thread(target=deliver, name="mailer", daemon=True)
    thread.start()
    if wait:
        thread.join()


def send_now(settings: Settings, to: list[str], subject: str, body: str, *, html: str | None = None) -> None:
    """Send in this thread; OSError or SMTPException when the mail server did not take it
    (without ``SMTP_HOST``: only logged). For jobs that must know what was sent."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    if not settings.smtp_host:
        log.warning("no SMTP_HOST: e-mail not sent to %s: %s", ", ".join(recipients), subject)
        return
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.http_timeout_seconds) as smtp:
        if settings.smtp_starttls.lower() == "true":
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)
    log.info("e-mail sent to %s: %s", ", ".join(recipients), subject)
