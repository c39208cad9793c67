"""handout: illustrated, tailored exercise handouts for patients with sciatica."""

__version__ = "0.1.0"
