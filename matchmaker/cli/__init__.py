"""The ``matchmaker`` command line."""
