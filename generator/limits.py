"""The documented limits on input (docs/robustness.md), in one place with no imports.

The command line reads them at start-up, so this module stays free of heavy imports.
"""

MAX_TEXT = 5_000         # characters in any text field of a pack
MAX_SHORT = 300          # characters in a name, a title, a personal field
MAX_NOTES = 60_000       # characters of --notes: room for a 5,000-word note
MAX_EXERCISES = 60       # exercises in a pack
MAX_WEEKS = 12           # weeks in the tick log
DEFAULT_WEEKS = 2
