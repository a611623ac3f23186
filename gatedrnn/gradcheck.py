"""Centered finite differences and the relative error used to compare gradients.

The chapter "Gradient checking as a discipline" explains every choice made here:
float64 inputs, a step of 1e-6, centered (not one-sided) differences, and a
relative error that is symmetric in its two arguments.
"""

import numpy as np

#: Step used by the centered differences. In float64 the truncation error is
#: O(h**2) ~ 1e-12 and the rounding error O(eps / h) ~ 1e-10, so 1e-6 balances both.
DEFAULT_STEP = 1e-6

#: The course's one rule for a gradient check: an analytic gradient passes when
#: rel_error(analytic, centered difference) < TOL_GRADCHECK, with float64 inputs
#: and DEFAULT_STEP. A correct gradient typically gives ~1e-9 or less (the accuracy
#: of the difference quotient itself); a nearly-zero gradient or a point near a
#: kink can push a correct one towards 1e-7, hence the margin. Real bugs (a
#: transpose, a missing term, a wrong sign, even a factor 1.01) give 1e-3 and
#: more. The chapter "Gradient checking as a discipline" shows both ends; every
#: chapter, test and grader check uses this constant.
TOL_GRADCHECK = 1e-6


def rel_error(a, b):
    """Symmetric relative error ||a - b|| / (||a|| + ||b||) of two arrays.

    Symmetric: rel_error(a, b) == rel_error(b, a), so it does not matter which
    side is "the truth". Norms are Euclidean over all elements. Two all-zero
    arrays have error 0; otherwise the result lies in [0, 1].

    Inputs:
    - a, b: arrays of the same shape (any shape)

    Returns a Python float.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} and {b.shape}")
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b) / denominator)


def numerical_gradient(f, x, upstream, step=DEFAULT_STEP):
    """Gradient of sum(f() * upstream) with respect to the array x, by centered differences.

    f takes no arguments and reads x, which this function perturbs in place one
    element at a time and restores before returning. For an array-valued f this
    is the vector-Jacobian product that a backward pass computes.

    Inputs:
    - f: callable returning an array of the same shape as upstream
    - x: float64 array of any shape, the variable to perturb
    - upstream: array, the gradient of the loss with respect to f's output
    - step: the perturbation h

    Returns an array of x's shape.
    """
    if x.dtype != np.float64:
        raise TypeError(f"numerical_gradient needs a float64 x, got {x.dtype}: "
                        "float32 rounding swamps the difference quotient")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    for _ in it:
        i = it.multi_index
        original = x[i]
        x[i] = original + step
        plus = np.sum(f() * upstream)
        x[i] = original - step
        minus = np.sum(f() * upstream)
        x[i] = original
        grad[i] = (plus - minus) / (2 * step)
    return grad


def numerical_gradients(forward, inputs, upstream, step=DEFAULT_STEP):
    """Centered-difference gradients of sum(forward(*inputs) * upstream) for every input.

    Inputs:
    - forward: callable taking the arrays of `inputs` and returning one array
    - inputs: list of float64 arrays; each is copied, never modified
    - upstream: array of forward's output shape

    Returns a list of arrays, one per input, each of that input's shape.
    """
    work = [np.array(a, dtype=np.float64, copy=True) for a in inputs]
    return [numerical_gradient(lambda: forward(*work), x, upstream, step) for x in work]
