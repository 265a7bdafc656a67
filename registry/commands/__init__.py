"""Subcommands of the ``registry`` command line (see registry.cli.COMMANDS)."""
