"""Packed gate blocks: reordering them between the conventions of different libraries.

A gated cell packs the weights of its G gate blocks side by side along the last axis:
Wx (D, G*H), Wh (H, G*H), biases (G*H,), block k being the slice k*H:(k+1)*H. Libraries
disagree on the order of the blocks (a GRU is r|z|n in PyTorch and cuDNN, z|r|n in Keras
and ONNX), so porting weights means permuting blocks. An order is written as a string of
one-letter gate names: "rzn", "zrn", "ifgo", ...
"""

import numpy as np


def reorder_gate_blocks(array, source, target):
    """Permute the gate blocks of `array` from the order `source` to the order `target`.

    Inputs:
    - array: packed weights or biases of shape (..., G*H); the gate axis is the last axis
    - source: the order of the blocks in `array`, a string of G distinct one-letter names
    - target: the order wanted, a permutation of `source`

    Returns a new array of the same shape and dtype whose block k is the block of
    `array` named target[k]. reorder_gate_blocks(reorder_gate_blocks(W, a, b), b, a)
    equals W.
    """
    array = np.asarray(array)
    if len(set(source)) != len(source) or sorted(source) != sorted(target):
        raise ValueError(f"reorder_gate_blocks: {target!r} is not a reordering of {source!r} "
                         "(each needs the same distinct one-letter gate names)")
    G = len(source)
    if array.ndim == 0 or array.shape[-1] % G:
        raise ValueError(f"reorder_gate_blocks: array has shape {array.shape}; its last axis must hold "
                         f"{G} gate blocks ({source!r}), so its size must be a multiple of {G}")
    H = array.shape[-1] // G
    blocks = {gate: array[..., k * H:(k + 1) * H] for k, gate in enumerate(source)}
    return np.concatenate([blocks[gate] for gate in target], axis=-1)
