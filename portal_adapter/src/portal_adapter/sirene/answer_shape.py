"""The shape of a register's JSON answer, checked where the parsers descend into it: a value
of the wrong type is the register answering wrongly (RegisterUnavailable, never cached), not
an internal error and not an unknown establishment."""

from __future__ import annotations

from portal_adapter.sirene.errors import RegisterUnavailable


def json_object(value: object) -> dict:
    """A nested object of the answer; null or absent is an empty one."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RegisterUnavailable(f"unexpected answer shape: an object expected, not {type(value).__name__}")
    return value


def json_objects(value: object) -> list[dict]:
    """A nested list of objects of the answer; null or absent is an empty one."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise RegisterUnavailable(f"unexpected answer shape: a list expected, not {type(value).__name__}")
    return [json_object(item) for item in value]
