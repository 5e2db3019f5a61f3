"""`python -m streams.devtools.bench`: the same as `scripts/bench`."""

import sys

from streams.devtools.bench import main

sys.exit(main())
