"""Logging that a request cannot forge: line breaks and other control characters of a log
message (request values included) are escaped, so one record is one line; traceback lines
are indented, so none can pass for a record. Installed on the root logger and on
gunicorn's access and error loggers."""

from __future__ import annotations

import logging
import re

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escaped(text: str) -> str:
    """``text`` with control characters as escapes: a line break becomes ``\\n``."""
    return CONTROL_CHARACTERS.sub(lambda match: repr(match.group())[1:-1], text)


class OneLineFormatter(logging.Formatter):
    """Formats with ``inner`` (default ``FORMAT``), then makes the result safe."""

    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter(FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        copy = logging.makeLogRecord(record.__dict__)
        copy.msg, copy.args = escaped(record.getMessage()), None
        head, *traceback = self.inner.format(copy).split("\n")
        return "\n".join([head] + ["  " + escaped(line) for line in traceback])


def configure_logging() -> None:
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    root.setLevel(logging.INFO)
    for logger in (root, logging.getLogger("gunicorn.error"), logging.getLogger("gunicorn.access")):
        for handler in logger.handlers:
            if not isinstance(handler.formatter, OneLineFormatter):
                handler.setFormatter(OneLineFormatter(handler.formatter))
