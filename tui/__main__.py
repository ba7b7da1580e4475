"""`python -m tui` runs the same command line as `sendwatch`."""

import sys

from tui.cli import main

sys.exit(main())
