"""Shape checks that name the argument and both shapes, for the course's own functions.

    check_shapes("rnn_reference", {"x": x, "h0": h0, "Wx": Wx, "Wh": Wh, "b": b},
                 {"x": "N T D", "h0": "N H", "Wx": "D H", "Wh": "H H", "b": "H"})

Each dimension is a letter (N, T, D, H, ...) optionally with a whole-number factor ("4H"
for an LSTM's packed gates). The first array that uses a letter fixes its value; every
later use must agree, or a ValueError says which argument, its shape and the expected one.
`check_positive` does the same for sizes and counts given as integers (N, T, steps, ...).
"""

import re

import numpy as np

_DIMENSION = re.compile(r"^(\d*)([A-Za-z]+)$")


def check_shapes(function_name, arrays, layout):
    """Check that every array in `arrays` (name -> array) has the dimensions of `layout`.

    Returns the dict of letter -> size that was found.
    """
    sizes = {}
    for name, pattern in layout.items():
        shape = np.shape(arrays[name])
        dimensions = pattern.split()
        if len(shape) != len(dimensions):
            raise ValueError(f"{function_name}: {name} has shape {shape}, expected {len(dimensions)} "
                             f"dimensions ({', '.join(dimensions)})")
        for dimension, size in zip(dimensions, shape):
            factor, letter = _DIMENSION.match(dimension).groups()
            factor = int(factor or 1)
            if letter not in sizes:
                if size % factor:
                    raise ValueError(f"{function_name}: {name} has shape {shape}; its size {size} for "
                                     f"{dimension} is not a multiple of {factor}")
                sizes[letter] = size // factor
            elif size != factor * sizes[letter]:
                expected = tuple(_size(d, sizes) for d in dimensions)
                raise ValueError(f"{function_name}: {name} has shape {shape}, expected {expected} "
                                 f"({', '.join(dimensions)}) with {letter} = {sizes[letter]} from the arguments before it")
    return sizes


def _size(dimension, sizes):
    factor, letter = _DIMENSION.match(dimension).groups()
    return int(factor or 1) * sizes[letter] if letter in sizes else dimension


def check_positive(function_name, **values):
    """Raise a ValueError naming the function and the argument unless every value is an int >= 1 (not a bool)."""
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{function_name}: {name} must be a positive integer, got {value!r}")
