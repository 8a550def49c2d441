"""The `digest` command: click commands that only wire the library together."""
