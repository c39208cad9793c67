"""The documented limits on input (docs/robustness.md), in one place with no imports.

The command line reads them at start-up, so this module stays free of heavy imports.
Every list and text a pack, preset, CSV file or styles file holds is bounded here, so the
worst input within them still builds in seconds.
"""

# Text
MAX_TEXT = 5_000         # characters in any text field of a pack
MAX_SHORT = 300          # characters in a name, a title, a personal field
MAX_EXERCISE_NAME = 80   # an exercise's name: its card's title, kept whole on one page in large print
MAX_NOTES = 60_000       # characters of --notes: room for a 5,000-word note
MAX_NOTE_PARAGRAPHS = 200  # paragraphs (blank-line separated) in --notes or a preset's notes
MAX_PACK_TEXT = 150_000  # characters of text in a whole pack, exercises included

# Lists in a pack and a preset
MAX_EXERCISES = 60       # exercises in a pack (and in a preset)
MAX_STEPS = 12           # steps in an exercise
MAX_AREAS = 10           # body areas of an exercise
MAX_SECTIONS = 20        # sections in a pack
MAX_PARAGRAPHS = 20      # paragraphs in a section
MAX_POINTS = 20          # bullet points in a section
MAX_ITEMS = 30           # safety items, red flags of each kind, FAQ entries, sources
MAX_KEYWORDS = 20        # keywords in a pack

# Styles
MAX_STYLES = 100         # paragraph styles, and colours, in styles.yaml

# Counts
MAX_WEEKS = 12           # weeks in the tick log
DEFAULT_WEEKS = 2
MAX_DIGITS = 30          # digits in any number in a YAML or CSV file or a --dose spec

# Files
MAX_YAML_BYTES = 2_000_000      # a pack, preset, styles or messages file
MAX_YAML_DEPTH = 30             # nesting of lists and mappings in a YAML file
MAX_CSV_BYTES = 5_000_000       # a batch CSV file
MAX_CSV_ROWS = 2_000            # rows in a batch CSV file
MAX_TEMPLATE_BYTES = 500_000    # one template file
MAX_STORY_CHARS = 5_000_000     # characters the templates render for one handout
MAX_PAGES = 300                 # pages of one handout (the largest pack in large print: about 150)
MAX_TEMPLATE_WORK = 1_000_000   # steps (calls, filters, range items) of one render
MAX_TEMPLATE_NUMBER = 100_000   # the largest number a template may pass to a call or filter
MAX_PICTURE_BYTES = 30_000_000  # a logo or an exercise's picture
MAX_FONT_BYTES = 40_000_000     # a TrueType font (a CJK font is about 20 MB)
MAX_NAME_BYTES = 200            # bytes of a handout's file name we make (the limit is 255)

# Pose data of a drawing (figures/spec.py): a drawing needs a handful of props, and each
# prop or point is drawn or checked in every panel of every figure.
MAX_PROPS = 8            # props of a figure (a mat, a step, a rail, a towel ...)
MAX_CONTACTS = 22        # contact points of a keyframe: each of the body's 22 named points once
