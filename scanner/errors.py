"""Errors that end a command with exit code 2 and one clear message."""


class InputError(Exception):
    """Invalid user input (configuration, snapshot, waiver file, flags).

    The message names the value and how to fix it; the CLI prints it
    without a traceback and exits with code 2.
    """
