"""`python -m saidwhat.cli`."""
from saidwhat.cli import main

main()
