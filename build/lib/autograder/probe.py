"""The untrusted side of the independent check (see autograder/verify.py). Stdlib and NumPy only.

Copied into the verification sandbox and run there as an unprivileged user with no network
and no course packages: only the Python standard library and NumPy exist, and PyTorch where
the assignment is written with it (the first message names it). It runs the learner's code
cells, then answers calls from the trusted side over stdin/stdout:

    first:    {"cells": [source, ...], "available": ["torch"]}
    request:  {"call": name, "args": [{"array": key} | {"handle": id} | {"int": n}, ...], "keep": false}
    response: {"ok": true, "results": [{"array": key} | {"handle": id}, ...]} + arrays
              {"ok": false, "error": "TypeError: ..."}

A number (int, float, NumPy scalar) comes back as a 0-d array. With "keep", the whole result
(a trained model, say) stays here under one handle, whatever it is.

Every message is a length-prefixed .npz (arrays, plus the JSON above as a string array under
"meta"), read back with allow_pickle=False: the trusted side never unpickles anything. Results
that are not numeric arrays (a forward pass's cache) stay here, under a handle.
"""

import ast
import io
import json
import os
import struct
import sys
import types

sys.path.insert(0, "/pylib")  # NumPy alone, mounted by the sandbox
import numpy as np  # noqa: E402

PROTOCOL_OUT = os.fdopen(os.dup(1), "wb")
PROTOCOL_IN = os.fdopen(os.dup(0), "rb")
os.dup2(2, 1)  # whatever the learner's code prints goes to stderr, not into the protocol
sys.stdout = sys.stderr


class Unavailable(types.ModuleType):
    """Stands in for torch and the course's packages: importing works, using them does not."""

    def __getattr__(self, name):
        if name.startswith("__"):  # what introspection asks of any module (torch's import does)
            raise AttributeError(name)
        raise ImportError(f"{self.__name__} is not available to graded code: write it yourself")


def read_message():
    header = PROTOCOL_IN.read(8)
    if len(header) < 8:
        return None, None
    (size,) = struct.unpack("<Q", header)
    with np.load(io.BytesIO(PROTOCOL_IN.read(size)), allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    return json.loads(str(arrays.pop("meta"))), arrays


def send_message(meta, arrays=None):
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.array(json.dumps(meta)), **(arrays or {}))
    payload = buffer.getvalue()
    PROTOCOL_OUT.write(struct.pack("<Q", len(payload)) + payload)
    PROTOCOL_OUT.flush()


def run_statements(source, namespace):
    """Run a cell one top-level statement at a time, skipping those that fail.

    The setup cell imports the course's packages, which do not exist here; the functions it
    and the learner define must still be defined.
    """
    try:
        statements = ast.parse(source).body
    except SyntaxError as error:
        print(f"[probe] a cell has a syntax error: {error}", file=sys.stderr)
        return
    for statement in statements:
        try:
            exec(compile(ast.Module([statement], type_ignores=[]), "<cell>", "exec"), namespace)
        except BaseException as error:  # noqa: B036 -- SystemExit too: the learner must not stop the probe
            print(f"[probe] a statement raised {type(error).__name__}: {error}", file=sys.stderr)


def main():
    meta, _ = read_message()
    for name in ["torch", "gatedrnn", "autograder"]:
        if name not in meta.get("available", []):
            sys.modules[name] = Unavailable(name)
    namespace = {"__name__": "__main__", "np": np}  # the exercise notebooks' setup cell imports numpy as np
    for source in meta["cells"]:  # the notebook's code cells but the tests, in order
        run_statements(source, namespace)
    handles = []
    while True:
        meta, arrays = read_message()
        if meta is None:
            return
        try:
            function = namespace[meta["call"]]
            args = [arrays[a["array"]] if "array" in a else int(a["int"]) if "int" in a else handles[a["handle"]]
                    for a in meta["args"]]
            result = function(*args)
            results = [result] if meta.get("keep") or not isinstance(result, tuple) else list(result)
            described, out = [], {}
            for item in results:
                if not meta.get("keep") and isinstance(item, (int, float, np.number)) and not isinstance(item, bool):
                    item = np.asarray(item)
                if not meta.get("keep") and isinstance(item, np.ndarray) and item.dtype.kind in "fiub":
                    key = f"r{len(out)}"
                    out[key] = item
                    described.append({"array": key})
                else:
                    handles.append(item)
                    described.append({"handle": len(handles) - 1})
            send_message({"ok": True, "results": described}, out)
        except BaseException as error:  # noqa: B036 -- report anything, keep answering
            send_message({"ok": False, "error": f"{type(error).__name__}: {error}"[:500]})


if __name__ == "__main__":
    main()
