"""`python -m plx_desktop`: the same as the `plx-desktop` command."""

import sys

from plx_desktop.cli import main

sys.exit(main())
