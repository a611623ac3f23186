"""Start-up cost the grading processes need not pay.

jsonschema, which nbformat uses, imports rfc3987_syntax when it is installed, to check
"iri" string formats; the notebook schema uses no string format at all. Building that
module's grammar takes about 0.8 s, and the grading run starts several processes that read
notebooks (itself, its workers, and a sandbox runner for every submission). Without the
module, jsonschema skips that one format check. Call this before nbformat is imported.
"""

import sys


def skip_unused_imports():
    sys.modules.setdefault("rfc3987_syntax", None)  # None: "import rfc3987_syntax" raises ImportError
