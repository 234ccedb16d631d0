"""``python -m sim`` is the same as the ``aisim`` command."""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
