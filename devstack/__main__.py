"""``python -m devstack`` is ``make run``."""

import sys

from devstack.run import main

sys.exit(main())
