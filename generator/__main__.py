"""``python -m generator`` runs the ``handout`` command."""

from .entry import run

run()
