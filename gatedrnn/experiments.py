"""Experiments that every part of the course repeats for its own recurrent cell.

The chapter "Vanishing and exploding gradients" (chapters/01_rnn/05_vanishing_exploding)
introduces both functions with the tanh RNN; the LSTM and GRU parts call them again
with their own step functions, so that all cells can be drawn on one figure.

Notation follows the book's notation page: N batch, T time steps, D input
features, H hidden units; batch-major arrays; weights multiply on the right.
"""

import numpy as np
import torch


def scaled_orthogonal(rng, H, radius):
    """A random orthogonal matrix times `radius`.

    Every eigenvalue of an orthogonal matrix has modulus 1 and every singular
    value equals 1, so the result has spectral radius and spectral norm both
    equal to `radius`: it stretches every vector by exactly that factor.

    Inputs:
    - rng: a numpy.random.Generator
    - H: the matrix size
    - radius: the spectral radius wanted, a positive float

    Returns a float64 array of shape (H, H).
    """
    q, r = np.linalg.qr(rng.standard_normal((H, H)))
    q = q * np.sign(np.diag(r))  # makes the distribution uniform over orthogonal matrices
    return radius * q


def gradient_norms_through_time(step, x, state0, upstream):
    """Norm of dL/d(state_t) for every t, for a loss on the last hidden state only.

    Runs the recurrence state_t = step(x_t, state_{t-1}) for t = 1..T in float64
    torch, takes the loss L = sum(upstream * h_T), where h_T = state_T[0] is the
    hidden state (the first state tensor), and back-propagates with autograd.
    The gradient with respect to each intermediate state is the total
    derivative: everything that flows back into state_t from later steps.

    Inputs:
    - step: callable (x_t, state) -> state, where x_t is a tensor of shape (N, D)
      and state is a tuple of K tensors (the tanh RNN and the GRU have K = 1:
      (h,) of shape (N, H); the LSTM has K = 2: (h, c), each (N, H))
    - x: input sequence, array or tensor of shape (N, T, D)
    - state0: tuple of K initial state arrays or tensors, each of shape (N, H)
    - upstream: gradient of the loss with respect to h_T, of shape (N, H)

    Returns an array `norms` of shape (T + 1, K): norms[t, k] is the Frobenius
    norm (over the whole batch) of dL/d state_t[k], for t = 0 (the initial state)
    up to t = T; norms[T, 0] equals the norm of `upstream`.
    """
    x = torch.as_tensor(np.asarray(x, dtype=np.float64))
    state = tuple(torch.tensor(np.asarray(s, dtype=np.float64), requires_grad=True)
                  for s in state0)
    states = [state]
    for t in range(x.shape[1]):
        state = tuple(step(x[:, t, :], state))
        for s in state:
            s.retain_grad()  # keep the gradient of this non-leaf tensor
        states.append(state)
    g = torch.as_tensor(np.asarray(upstream, dtype=np.float64))
    loss = (state[0] * g).sum()
    loss.backward()
    norms = np.zeros((len(states), len(state0)))
    for t, state_t in enumerate(states):
        for k, s in enumerate(state_t):
            if s.grad is not None:  # a state the loss does not depend on has no gradient
                norms[t, k] = float(torch.linalg.norm(s.grad))
    return norms
