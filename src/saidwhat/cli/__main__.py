"""`python -m saidwhat.cli`."""
from . import main

main()
