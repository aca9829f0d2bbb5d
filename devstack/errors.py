"""The one error type devstack raises for a broken environment."""


class StackError(Exception):
    """Something about the machine or the environment is wrong.

    The message says what is wrong and what to do; callers print it without a
    traceback.
    """
