"""Packed gate blocks, and converting them between the orders that libraries use.

A gated cell packs the weights of its G gates side by side along the last axis:
Wx (D, G*H), Wh (H, G*H), b (G*H,), block k holding columns k*H:(k+1)*H. Which gate sits in
which block is a convention, and libraries disagree. An order is written as a string of one
letter per block. For the LSTM the letters are i (input gate), f (forget gate), g (cell
candidate, the tanh block; Keras and ONNX call it c, TensorFlow 1 j) and o (output gate);
for the GRU r (reset), z (update) and n (candidate): r|z|n in PyTorch and cuDNN, z|r|n in
Keras and ONNX.

    reorder_gates(W, "ifog", "ifgo")   # cs231n's LSTM packing -> the course's (PyTorch's)
    reorder_gates(W, "zrn", "rzn")     # Keras's GRU packing -> the course's

The chapters "The gate-order zoo" (chapters/02_lstm/06_gate_order) and "The many GRUs"
(chapters/03_gru/04_many_grus) list the sources.
"""

import numpy as np

from .i18n import N_, Joined, tr
from .testing import Misconception

#: The course's LSTM order, PyTorch's (torch.nn.LSTM: W_ii | W_if | W_ig | W_io).
LSTM_ORDER = "ifgo"

#: Who packs an LSTM's gates in each common order (order -> users). Sources: the docs of
#: torch.nn.LSTM (weight_ih_l0 = W_ii|W_if|W_ig|W_io); cuDNN's cudnnGetRNNLinLayerMatrixParams
#: (linear layers 0-3: input, forget, new memory, output); Keras's LSTMCell (i, f, c, o);
#: CS231n's assignment 3, rnn_layers.py (i, f, o, g); Saito, "Deep Learning from Scratch 2",
#: chapter 6 (f, g, i, o); TensorFlow 1's BasicLSTMCell (i, j, f, o); the ONNX LSTM operator (iofc).
LSTM_GATE_ORDERS = {
    "ifgo": N_("PyTorch, cuDNN and Keras"),
    "ifog": N_("the cs231n assignments"),
    "fgio": N_('the book "Deep Learning from Scratch 2"'),
    "igfo": N_("TensorFlow 1's BasicLSTMCell"),
    "iofg": N_("ONNX"),
}

_GATE_NAMES = {"i": N_("i (input gate)"), "f": N_("f (forget gate)"), "g": N_("g (cell candidate, tanh)"),
               "o": N_("o (output gate)")}


def _check_orders(source, target):
    if sorted(source) != sorted(target) or len(set(source)) != len(source):
        raise ValueError(f"reorder_gates: {source!r} and {target!r} must name the same distinct gates")


def reorder_gates(W, source, target):
    """Move the packed gate blocks of W from the order `source` to the order `target`.

    Inputs:
    - W: weights or biases packed along the last axis, of shape (..., G*H), for example
      Wx (D, G*H), Wh (H, G*H) or b (G*H,); PyTorch's transposed weight_ih (G*H, D) must be
      transposed first (or passed as weight_ih.T)
    - source: the order W is packed in, a string of G distinct letters ("ifog")
    - target: the order wanted, the same letters in another order ("ifgo")

    Returns a new array of W's shape whose block k is the block of W that holds gate target[k].
    """
    _check_orders(source, target)
    W = np.asarray(W)
    G = len(source)
    if W.ndim == 0 or W.shape[-1] % G:
        raise ValueError(f"reorder_gates: W has shape {W.shape}; its last dimension must be "
                         f"a multiple of {G}, one block per gate of {source!r}")
    blocks = np.split(W, G, axis=-1)  # G arrays of shape (..., H)
    return np.concatenate([blocks[source.index(gate)] for gate in target], axis=-1)


def _multiple(k):
    """k times H, written as a reader would: 0, H, 2H, ..."""
    return {0: "0", 1: "H"}.get(k, f"{k}H")


def gate_order_misconception(order, course_order=LSTM_ORDER):
    """The Misconception of a learner who packed the LSTM's gates in `order` instead of the course's.

    Its id is "lstm-gate-order-<order>", for example "lstm-gate-order-ifog".
    """
    _check_orders(order, course_order)
    columns = [tr.later(N_("{start}:{stop} {gate}"), start=_multiple(k), stop=_multiple(k + 1),
                        gate=tr.later(_GATE_NAMES[gate])) for k, gate in enumerate(course_order)]
    explanation = tr.later(
        N_("your values are what an LSTM gives when its gates are packed in the order {theirs} (as in {users}). "
           "This course packs them like PyTorch, {ours}: columns {columns}. Slice the blocks in that order, in "
           "the forward and in the backward pass."),
        theirs=", ".join(order), users=tr.later(LSTM_GATE_ORDERS.get(order, N_("some other code"))),
        ours=" | ".join(course_order), columns=Joined(columns))
    return Misconception(f"lstm-gate-order-{order}", explanation)


def gate_order_misconceptions(course_order=LSTM_ORDER):
    """{order: Misconception} for every common LSTM order other than the course's."""
    return {order: gate_order_misconception(order, course_order)
            for order in LSTM_GATE_ORDERS if order != course_order}
