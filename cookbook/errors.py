"""Failures a user can act on: the command line prints their message, never a traceback."""


class CookbookError(Exception):
    """A failure with a message for the user (exit status 3 unless a subclass says otherwise)."""
