"""Run the command line as ``python -m scanner``."""

from scanner.cli import main

main()
