"""Log lines that a request cannot forge.

Request values (an ``error`` parameter, a header, an identifier) reach log messages as they
came. ``SafeFormatter`` escapes line breaks and every other control character of the
formatted message (its arguments included), so one record stays one line; the lines of a
traceback are indented, so none of them can pass for a record of its own.
"""

from __future__ import annotations

import logging
import re

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# C0 controls, DEL, C1 controls and the Unicode line and paragraph separators
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """``text`` with each control character written as a visible escape (``\\n``, ``\\x1b``)."""
    return _CONTROL.sub(lambda m: _NAMED.get(m.group(), m.group().encode("unicode_escape").decode()), text)


class SafeFormatter(logging.Formatter):
    """Wraps a formatter (its format kept): the message escaped, the traceback indented."""

    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter(LOG_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        safe = logging.makeLogRecord(record.__dict__)
        safe.msg, safe.args = escape_controls(record.getMessage()), None
        first, *rest = self.inner.format(safe).split("\n")
        return "\n".join([first, *(f"  {escape_controls(line)}" for line in rest)])


def make_safe(*loggers: logging.Logger) -> None:
    """Wrap the formatter of every handler of these loggers in a SafeFormatter."""
    for logger in loggers:
        for handler in logger.handlers:
            if not isinstance(handler.formatter, SafeFormatter):
                handler.setFormatter(SafeFormatter(handler.formatter))


def configure(level: int = logging.INFO) -> None:
    """The process's logging: the root logger to stderr, and gunicorn's own loggers (its
    access and error logs, when it serves the app), all through SafeFormatters."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    root.setLevel(level)
    make_safe(root, logging.getLogger("gunicorn.error"), logging.getLogger("gunicorn.access"))
