"""Reference runs of torch.nn recurrent layers with the course's weights ported.

The course keeps weights in the right-multiplied, batch-major layout of the notation page:
Wx (D, G*H), Wh (H, G*H). torch.nn stores the transposes (weight_ih_l0 = Wx.T,
weight_hh_l0 = Wh.T), so porting is a transpose. Every function runs in float64 and returns
NumPy arrays, so that tests, hidden grading tests and chapters compare against PyTorch the
same way. One module per cell; everything is importable from gatedrnn.reference.
"""

from .char_lm import (TorchCharLM, embedding_reference, temporal_affine_reference,
                      temporal_softmax_loss_reference, train_reference)
from .deep_gru import deep_gru_reference, torch_deep_gru
from .gru import (GRU_LAYOUT, GRU_STEP_LAYOUT, gru_reference, gru_reset_before_reference, gru_step_reference,
                  torch_gru)
from .lstm import LSTM_LAYOUT, LSTM_STEP_LAYOUT, lstm_reference, lstm_step_reference, torch_lstm
from .rnn import RNN_LAYOUT, RNN_STEP_LAYOUT, rnn_reference, rnn_step_reference, torch_rnn

__all__ = ["TorchCharLM", "embedding_reference", "temporal_affine_reference",
           "temporal_softmax_loss_reference", "train_reference", "deep_gru_reference", "torch_deep_gru",
           "GRU_LAYOUT", "GRU_STEP_LAYOUT", "gru_reference", "gru_reset_before_reference", "gru_step_reference",
           "torch_gru", "LSTM_LAYOUT", "LSTM_STEP_LAYOUT", "lstm_reference", "lstm_step_reference", "torch_lstm",
           "RNN_LAYOUT", "RNN_STEP_LAYOUT", "rnn_reference", "rnn_step_reference", "torch_rnn"]
