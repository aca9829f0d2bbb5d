"""Security e-mails and the throttle on what sends e-mails (docs/security-emails.md,
docs/throttles.md).

- :mod:`.throttle`     the throttle's limits as arithmetic over send times (pure)
- :mod:`.email_gate`   the durable throttle: one audited row per request to send (``email_sends``)
- :mod:`.messages`     each security e-mail's subject and wording; the templates render them
- :mod:`.service`      sending a security e-mail after a change, in the background, throttled
- :mod:`.api`          ``POST /api/notices/events`` and ``/api/notices/allowance`` for the extension
"""
