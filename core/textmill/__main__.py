"""`python -m textmill` works like `textmill`."""

from textmill.cli import main

main()
