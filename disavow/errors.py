"""The one exception family the library raises; the CLI turns it into a message.

A message says what went wrong, where (file, row, column, value) and how to fix
it. Problems with a single row never raise: they travel in the ``status`` and
``problem`` columns instead.
"""


class DisavowError(Exception):
    """Something the user can fix; the CLI prints it without a traceback."""


class InputFormatError(DisavowError):
    """An input file cannot be read or is not a supported export."""


class ModelError(DisavowError):
    """A model folder is missing, tampered with or untrusted."""


class OutputError(DisavowError):
    """An output cannot be written safely or would break Google's rules."""
