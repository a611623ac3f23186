"""The many GRUs: the variants that different papers and libraries call "the GRU".

The course's GRU is PyTorch's and cuDNN's (see the notation page):

    r = sigmoid(x Wx_r + bx_r + h Wh_r + bh_r)
    z = sigmoid(x Wx_z + bx_z + h Wh_z + bh_z)
    n = tanh(x Wx_n + bx_n + r * (h Wh_n + bh_n))          reset AFTER the recurrent product
    h' = (1 - z) * n + z * h                                z keeps the old state

with blocks packed r | z | n. The variants differ in three independent ways:

- reset="before": n = tanh(x Wx_n + bx_n + (r * h) Wh_n + bh_n) (Cho et al. 2014 v3,
  ONNX's default linear_before_reset=0, Keras reset_after=False). A different function:
  no choice of weights turns one into the other.
- update="reversed": h' = (1 - z) * h + z * n. The same function after z -> 1 - z:
  reversed_update_weights converts the weights exactly.
- order: how the blocks are packed ("rzn" here and in PyTorch, "zrn" in Keras and ONNX);
  gatedrnn.gates.reorder_gates converts.

The chapter "The many GRUs" (chapters/03_gru/04_many_grus) introduces all of this; the GRU
exercise uses wrong_variant_values to recognise a learner's output as one of the
MISCONCEPTIONS. Forward passes only, in NumPy, for any float dtype.
"""

from itertools import combinations

import numpy as np

from .gates import reorder_gates
from .i18n import N_, tr
from .shapes import check_shapes
from .testing import Misconception, combined

#: The course's packing order (PyTorch's): reset gate r, update gate z, candidate n.
GATE_ORDER = "rzn"

GRU_STEP_LAYOUT = {"x": "N D", "h_prev": "N H", "Wx": "D 3H", "Wh": "H 3H", "bx": "3H", "bh": "3H"}
GRU_LAYOUT = {"x": "N T D", "h0": "N H", "Wx": "D 3H", "Wh": "H 3H", "bx": "3H", "bh": "3H"}


def sigmoid(u):
    """The logistic function 1 / (1 + exp(-u)), elementwise, without overflow warnings.

    Written as (1 + tanh(u / 2)) / 2, which is the same function and never overflows.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * u))


def gru_variant_step(x, h_prev, Wx, Wh, bx, bh, reset="after", update="keep", candidate="tanh",
                     order=GATE_ORDER):
    """One step of a GRU variant.

    Inputs:
    - x: input, of shape (N, D)
    - h_prev: previous hidden state, of shape (N, H)
    - Wx: input weights, of shape (D, 3H), blocks packed in `order`
    - Wh: recurrent weights, of shape (H, 3H), blocks packed in `order`
    - bx, bh: input and recurrent biases, of shape (3H,), blocks packed in `order`
    - reset: "after" (r * (h Wh_n + bh_n), the course's) or "before" ((r * h) Wh_n + bh_n)
    - update: "keep" (h' = (1 - z) n + z h, the course's) or "reversed" (h' = (1 - z) h + z n)
    - candidate: "tanh" (right) or "sigmoid" (a mistake, reproduced to recognise it)
    - order: a permutation of "rzn", the packing order of the blocks

    Returns h_next, of shape (N, H), in the inputs' result dtype.
    """
    check_shapes("gru_variant_step", {"x": x, "h_prev": h_prev, "Wx": Wx, "Wh": Wh, "bx": bx, "bh": bh},
                 GRU_STEP_LAYOUT)
    if (reset not in ("after", "before") or update not in ("keep", "reversed")
            or candidate not in ("tanh", "sigmoid") or sorted(order) != sorted(GATE_ORDER)):
        raise ValueError(f"gru_variant_step: unknown variant reset={reset!r}, update={update!r}, "
                         f"candidate={candidate!r}, order={order!r}")
    H = h_prev.shape[1]
    block = {gate: slice(k * H, (k + 1) * H) for k, gate in enumerate(order)}   # read blocks by name
    from_x = x @ Wx + bx                                       # (N, 3H)
    r = sigmoid(from_x[:, block["r"]] + h_prev @ Wh[:, block["r"]] + bh[block["r"]])    # (N, H)
    z = sigmoid(from_x[:, block["z"]] + h_prev @ Wh[:, block["z"]] + bh[block["z"]])    # (N, H)
    if reset == "after":
        recurrent_n = r * (h_prev @ Wh[:, block["n"]] + bh[block["n"]])                 # (N, H)
    else:
        recurrent_n = (r * h_prev) @ Wh[:, block["n"]] + bh[block["n"]]                 # (N, H)
    activation = np.tanh if candidate == "tanh" else sigmoid
    n = activation(from_x[:, block["n"]] + recurrent_n)       # (N, H)
    if update == "keep":
        return (1 - z) * n + z * h_prev                       # (N, H)
    return (1 - z) * h_prev + z * n                           # (N, H)


def gru_variant_forward(x, h0, Wx, Wh, bx, bh, **variant):
    """A GRU variant over a whole sequence: gru_variant_step for t = 1..T.

    Inputs:
    - x: input sequence, of shape (N, T, D)
    - h0: initial hidden state, of shape (N, H)
    - Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,): as in gru_variant_step
    - variant: reset, update, candidate, order, as in gru_variant_step

    Returns h, the hidden states of every step, of shape (N, T, H).
    """
    check_shapes("gru_variant_forward", {"x": x, "h0": h0, "Wx": Wx, "Wh": Wh, "bx": bx, "bh": bh}, GRU_LAYOUT)
    states, state = [], h0
    for t in range(x.shape[1]):
        state = gru_variant_step(x[:, t, :], state, Wx, Wh, bx, bh, **variant)   # (N, H)
        states.append(state)
    return np.stack(states, axis=1)                           # (N, T, H)


def reversed_update_weights(Wx, Wh, bx, bh, order=GATE_ORDER):
    """Weights for update="reversed" that give the same function as (Wx, Wh, bx, bh) with "keep".

    sigmoid(-a) = 1 - sigmoid(a), so negating every weight and bias of the z block turns
    z into 1 - z, and (1 - z') h + z' n with z' = 1 - z is (1 - z) n + z h. The conversion
    is its own inverse, so it also converts the other way.

    Inputs: Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,), packed in `order`.
    Returns new arrays (Wx, Wh, bx, bh) of the same shapes.
    """
    H = np.shape(Wh)[0]
    k = order.index("z")
    sign = np.ones(3 * H)
    sign[k * H:(k + 1) * H] = -1.0
    return tuple(np.asarray(A) * sign.astype(np.result_type(A)) for A in (Wx, Wh, bx, bh))


def course_to_onnx(Wx, Wh, bx, bh):
    """The course's GRU weights in the layout of the ONNX GRU operator (one direction).

    ONNX packs the blocks z | r | h, stores W (3H, D) and R (3H, H) to multiply on the left
    (x W^T, like PyTorch) and keeps two biases Wb and Rb (3H,) (its B input is their
    concatenation). Its update is h' = (1 - z) h~ + z h, the course's convention.

    Inputs: Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,), packed r | z | n.
    Returns new arrays (W, R, Wb, Rb) of shapes (3H, D), (3H, H), (3H,), (3H,).
    """
    check_shapes("course_to_onnx", {"Wx": Wx, "Wh": Wh, "bx": bx, "bh": bh},
                 {"Wx": "D 3H", "Wh": "H 3H", "bx": "3H", "bh": "3H"})
    W, R, Wb, Rb = (reorder_gates(A, GATE_ORDER, "zrn") for A in (Wx, Wh, bx, bh))
    return W.T.copy(), R.T.copy(), Wb, Rb


# The mistakes the GRU exercise recognises; an id is never changed once released.
MISCONCEPTIONS = {
    "gru-sigmoid-candidate": Misconception(
        "gru-sigmoid-candidate",
        tr.later(N_("your values are those of a GRU whose candidate n uses a sigmoid. Only the gates r and z are "
                    "sigmoids; the candidate uses tanh, so that it can be negative: n = tanh(...).")),
        short=tr.later(N_("its candidate n uses a sigmoid instead of tanh"))),
    "gru-reversed-update": Misconception(
        "gru-reversed-update",
        tr.later(N_("your values are those of the update h' = (1 - z) * h_prev + z * n, the opposite convention "
                    "found in some papers and blogs. This course (like PyTorch) uses h' = (1 - z) * n + z * h_prev: "
                    "z is the share of the old state that is kept.")),
        short=tr.later(N_("its update is h' = (1 - z) * h_prev + z * n, where the course's is "
                          "(1 - z) * n + z * h_prev"))),
    "gru-reset-before-product": Misconception(
        "gru-reset-before-product",
        tr.later(N_("your values are those of a GRU that applies the reset gate before the recurrent product, "
                    "(r * h_prev) @ Wh_n + bh_n. This course's GRU (PyTorch's and cuDNN's) applies it after: "
                    "r * (h_prev @ Wh_n + bh_n).")),
        short=tr.later(N_("it applies the reset gate before the recurrent product, (r * h_prev) @ Wh_n + bh_n, "
                          "where the course applies it after, r * (h_prev @ Wh_n + bh_n)"))),
    "gru-gate-order-zrn": Misconception(
        "gru-gate-order-zrn",
        tr.later(N_("your values are those of a GRU that reads the packed blocks as z | r | n. The course packs "
                    "them as PyTorch does, r | z | n: columns 0:H belong to the reset gate r, H:2H to the update "
                    "gate z, 2H:3H to the candidate n.")),
        short=tr.later(N_("it reads the packed blocks as z | r | n, where the course packs them r | z | n (columns "
                          "0:H reset gate, H:2H update gate, 2H:3H candidate)"))),
}

#: For each misconception, the one choice of gru_variant_step that it changes.
WRONG_VARIANTS = {
    "gru-gate-order-zrn": {"order": "zrn"},
    "gru-reset-before-product": {"reset": "before"},
    "gru-reversed-update": {"update": "reversed"},
    "gru-sigmoid-candidate": {"candidate": "sigmoid"},
}


def wrong_variants():
    """Every wrong GRU built from the chapter's independent choices, as (Misconception, variant) pairs.

    Each choice (packing order, reset placement, update convention, candidate activation) is
    either the course's or the misconception's, so there are 2**4 - 1 = 15 wrong GRUs; one
    with several deviations gets a combined Misconception naming each (tagged with every id).
    Fewest deviations first, so that the simplest explanation of a value wins.
    """
    names = list(WRONG_VARIANTS)
    found = []
    for count in range(1, len(names) + 1):
        for chosen in combinations(names, count):
            variant = {key: value for name in chosen for key, value in WRONG_VARIANTS[name].items()}
            found.append((combined([MISCONCEPTIONS[name] for name in chosen], N_("a GRU")), variant))
    return found


def wrong_variant_values(x, h, Wx, Wh, bx, bh):
    """What each wrong GRU would output, for check.close(..., misconceptions=...).

    Inputs: the arguments of a GRU step (x (N, D), h_prev (N, H)) or of a whole sequence
    (x (N, T, D), h0 (N, H)), with Wx (D, 3H), Wh (H, 3H), bx (3H,), bh (3H,).

    Returns a list of (Misconception, value) pairs (see wrong_variants), value of shape
    (N, H) for a step and (N, T, H) for a sequence, computed in float64.
    """
    arrays = [np.asarray(A, dtype=np.float64) for A in (x, h, Wx, Wh, bx, bh)]
    run = gru_variant_forward if arrays[0].ndim == 3 else gru_variant_step
    with np.errstate(over="ignore"):
        return [(mistake, run(*arrays, **variant)) for mistake, variant in wrong_variants()]
