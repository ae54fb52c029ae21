"""``python -m factcheck check ...``: see :mod:`factcheck.cli`."""

import sys

from factcheck.cli import main

if __name__ == "__main__":
    sys.exit(main())
