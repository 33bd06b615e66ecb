"""`python -m dynasim serve ...`: the same as the `dynasim` command."""

import sys

from dynasim.cli import main

sys.exit(main())
