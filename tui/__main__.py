"""`python -m tui` runs the same command line as `sendwatch`."""

import sys

from tui.cli.main import main

sys.exit(main())
