"""``python -m generator`` runs the ``handout`` command."""

from .cli import main

main()
