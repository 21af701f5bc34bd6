import sys

from copil.cli import main

sys.exit(main())
