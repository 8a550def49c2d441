"""`python -m digest` runs the command line."""
from digest.cli.main import main

main()
