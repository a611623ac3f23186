import sys

from .startup import skip_unused_imports

skip_unused_imports()  # before .cli imports nbformat

from .cli import main  # noqa: E402

sys.exit(main())
