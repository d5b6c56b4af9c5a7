"""`python -m plx_desktop`: the same as the `plx-desktop` command."""

import multiprocessing
import sys

if __name__ == "__main__":
    # In a PyInstaller bundle the GUI's sync child process is this executable started again;
    # freeze_support() makes that start run the child's work (and exit) instead of the app.
    multiprocessing.freeze_support()

    from plx_desktop.cli import main

    sys.exit(main())
