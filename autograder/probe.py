"""The untrusted side of the independent check (see autograder/verify.py). Stdlib and NumPy only.

Copied into the verification sandbox and run there as an unprivileged user with no network
and no course packages: only the Python standard library and NumPy exist, and PyTorch where
the assignment is written with it (the first message names it). It runs the learner's code
cells, then answers calls from the trusted side over stdin/stdout:

    first:    {"cells": [source, ...], "seconds": s, "available": ["torch"]}
    ready:    {"ok": true}  (once the cells have run)
    request:  {"call": name, "args": [{"array": key} | {"handle": id} | {"int": n}, ...], "keep": false,
               "seconds": s}
    response: {"ok": true, "results": [{"array": key} | {"handle": id}, ...]} + arrays
              {"ok": false, "error": "TypeError: ..."}

Time: the cells share one budget of "seconds" (a cell that runs past it is interrupted and the
rest of that cell skipped, as the kernel's cell timeout does; each later cell still gets a
moment to define its functions); each call gets its own "seconds". The trusted side kills the
sandbox if an answer comes later than that (the learner blocked the timer).

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
import signal
import struct
import sys
import time
import types

sys.path.insert(0, "/pylib")  # NumPy alone, mounted by the sandbox
import numpy as np  # noqa: E402

PROTOCOL_OUT = os.fdopen(os.dup(1), "wb")
PROTOCOL_IN = os.fdopen(os.dup(0), "rb")
os.dup2(2, 1)  # whatever the learner's code prints goes to stderr, not into the protocol
sys.stdout = sys.stderr


LATE_CELL_SECONDS = 0.5  # what each cell still gets once the cells' budget is spent


class OutOfTime(BaseException):
    """Raised by the timer in the learner's code (a BaseException: `except Exception` does not stop it)."""


def _out_of_time(signum, frame):
    raise OutOfTime()


def set_timer(seconds):
    """Interrupt the running code with OutOfTime after `seconds` (0: no timer)."""
    signal.setitimer(signal.ITIMER_REAL, max(0.0, seconds))


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
    """Run a cell one top-level statement at a time, skipping those that fail, until out of time.

    The setup cell imports the course's packages, which do not exist here; the functions it
    and the learner define must still be defined. OutOfTime ends the cell, as a cell timeout
    does in the kernel.
    """
    try:
        statements = ast.parse(source).body
    except SyntaxError as error:
        print(f"[probe] a cell has a syntax error: {error}", file=sys.stderr)
        return
    for statement in statements:
        try:
            exec(compile(ast.Module([statement], type_ignores=[]), "<cell>", "exec"), namespace)
        except OutOfTime:
            print("[probe] a cell ran out of time", file=sys.stderr)
            return
        except BaseException as error:  # noqa: B036 -- SystemExit too: the learner must not stop the probe
            print(f"[probe] a statement raised {type(error).__name__}: {error}", file=sys.stderr)


def run_cells(cells, seconds, namespace):
    """Run the learner's cells in order, all of them within `seconds` (see the module docstring)."""
    end = time.monotonic() + seconds
    for source in cells:
        set_timer(max(end - time.monotonic(), LATE_CELL_SECONDS))
        try:
            run_statements(source, namespace)
        except OutOfTime:  # fired between two statements
            pass
        finally:
            set_timer(0)


def main():
    meta, _ = read_message()
    for name in ["torch", "gatedrnn", "autograder"]:
        if name not in meta.get("available", []):
            sys.modules[name] = Unavailable(name)
    signal.signal(signal.SIGALRM, _out_of_time)
    namespace = {"__name__": "__main__", "np": np}  # the exercise notebooks' setup cell imports numpy as np
    run_cells(meta["cells"], float(meta["seconds"]), namespace)  # the notebook's code cells but the tests
    send_message({"ok": True})
    handles = []
    while True:
        meta, arrays = read_message()
        if meta is None:
            return
        try:
            function = namespace[meta["call"]]
            args = [arrays[a["array"]] if "array" in a else int(a["int"]) if "int" in a else handles[a["handle"]]
                    for a in meta["args"]]
            set_timer(float(meta["seconds"]))
            try:
                result = function(*args)
            finally:
                set_timer(0)
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
        except OutOfTime:
            send_message({"ok": False, "error": f"TimeoutError: it did not finish within {meta['seconds']:g} s "
                                                "(an endless loop?)"})
        except BaseException as error:  # noqa: B036 -- report anything, keep answering
            send_message({"ok": False, "error": f"{type(error).__name__}: {error}"[:500]})


if __name__ == "__main__":
    main()
