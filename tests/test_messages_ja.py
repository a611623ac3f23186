"""A Japanese notebook's checks speak Japanese: real failing checks, their messages and printed lines.

The English messages are asserted word for word by the other tests (tests/test_testing.py,
tests/test_diagnosis_checks.py, tests/test_feedback_diagnosis.py); here the same checks run under
speaking("ja") or GATEDRNN_LANGUAGE=ja, and the misconception tags, the ✓/✗ marks and the
"function: " prefix that autograder.outcomes reads stay as they are.
"""

import numpy as np
import pytest
import torch

from autograder.outcomes import failure_reason, misconception_ids
from gatedrnn.i18n import speaking
from gatedrnn.testing import CheckFailed, FunctionChecks, checking, ungraded_checking


def failure(check, *args, **kwargs):
    """The message of the CheckFailed that check(*args, **kwargs) raises."""
    with pytest.raises(CheckFailed) as raised:
        check(*args, **kwargs)
    return str(raised.value)


def test_wrong_values_are_reported_in_japanese_with_the_same_numbers():
    expected = np.array([[0.5, -0.25], [1.0, 2.0]])
    found = expected.copy()
    found[1, 0] = 1.5
    with speaking("ja"):
        ja = failure(FunctionChecks("rnn_step_forward").close, "h_next", found, expected, 1e-9)
    en = failure(FunctionChecks("rnn_step_forward").close, "h_next", found, expected, 1e-9)
    assert ja == ("rnn_step_forward: h_next が誤っている（相対誤差 1.0e-01、許容誤差 1e-09）。"
                  "差が最大なのはインデックス (1, 0) で、期待値は 1、実際の値は 1.5 である。")
    assert en == ("rnn_step_forward: h_next is wrong (relative error 1.0e-01, tolerance 1e-09). "
                  "Largest difference at index (1, 0): expected 1, found 1.5.")


def test_the_environment_variable_makes_a_kernel_speak_japanese(monkeypatch):
    def stub(x):
        raise NotImplementedError()

    monkeypatch.setenv("GATEDRNN_LANGUAGE", "ja")
    message = failure(FunctionChecks("rnn_step_backward").call, stub, np.zeros(2))
    assert message == ("rnn_step_backward: stub はまだ実装されていない（NotImplementedError が送出された）。"
                       "このテストには、まず stub が正しく動くことが必要である。")
    monkeypatch.setenv("GATEDRNN_LANGUAGE", "en")
    assert failure(FunctionChecks("rnn_step_backward").call, stub, np.zeros(2)).endswith(
        "stub is not implemented yet: it raised NotImplementedError (its test needs stub to work first).")


def test_a_gradient_averaged_over_the_batch_is_explained_in_japanese_with_its_tag():
    rng = np.random.default_rng(0)
    expected = {"dx": rng.standard_normal((4, 3)), "dWx": rng.standard_normal((3, 2)),
                "dWh": rng.standard_normal((2, 2))}
    found = [expected["dx"], expected["dWx"] / 4, expected["dWh"] / 4]
    with speaking("ja"):
        ja = failure(FunctionChecks("rnn_step_backward").all_close, ["dx", "dWx", "dWh"], found, expected, 1e-9,
                     case="N=4")
    assert ja.startswith("rnn_step_backward: N=4 の場合の dWx と dWh が誤っている：どれも、正しい勾配を"
                         "バッチサイズ N = 4 で割ったものになっている。")
    assert ja.endswith("N で割らずに各例の寄与を足し合わせること。 [misconception: grad-averaged-over-batch]")
    assert misconception_ids(ja) == ["grad-averaged-over-batch"]


def test_a_gru_with_three_deviations_is_named_part_by_part_in_japanese():
    from gatedrnn.gru_variants import gru_variant_step, wrong_variant_values

    rng = np.random.default_rng(1)
    N, D, H = 3, 4, 5
    x, h, Wx, Wh, bx, bh = (0.5 * rng.standard_normal(s) for s in [(N, D), (N, H), (D, 3 * H), (H, 3 * H),
                                                                   (3 * H,), (3 * H,)])
    right = gru_variant_step(x, h, Wx, Wh, bx, bh)
    wrong = gru_variant_step(x, h, Wx, Wh, bx, bh, order="zrn", reset="before", update="reversed")
    mistakes = wrong_variant_values(x, h, Wx, Wh, bx, bh)
    with speaking("ja"):
        ja = failure(FunctionChecks("gru_step_forward").close, "h_next", wrong, right, 1e-9, misconceptions=mistakes)
    en = failure(FunctionChecks("gru_step_forward").close, "h_next", wrong, right, 1e-9, misconceptions=mistakes)
    assert ja.startswith("gru_step_forward: h_next が誤っている：あなたの値は、コースのものと 3 点で異なる GRU "
                         "モデルの値である。どの点も修正すること：1 つ目はパックされたブロックを "
                         "z | r | n と読んでいること")
    assert "（gru-gate-order-zrn）、2 つ目はリセットゲートを再帰の行列積の前に" in ja
    assert "3 つ目は更新が h' = (1 - z) * h_prev + z * n になっていること" in ja
    assert en.startswith("gru_step_forward: h_next is wrong: your values are those of a GRU that differs from the "
                         "course's in 3 ways, each to fix: (1) it reads the packed blocks as z | r | n")
    assert misconception_ids(ja) == misconception_ids(en) == ["gru-gate-order-zrn", "gru-reset-before-product",
                                                             "gru-reversed-update"]
    assert ja.endswith(" [misconception: gru-gate-order-zrn] [misconception: gru-reset-before-product] "
                       "[misconception: gru-reversed-update]")


def test_a_misconception_made_at_import_time_is_shown_in_the_language_of_the_moment():
    from gatedrnn.gates import gate_order_misconception
    from gatedrnn.testing import PRECISION_LOST

    mistake = gate_order_misconception("ifog")
    with speaking("ja"):
        japanese, english = mistake.explain(), mistake.explanation
        assert PRECISION_LOST.explain().startswith("コードのどこかで、入力より低い精度で計算している")
    assert japanese.startswith("あなたの値は、ゲートを i, f, o, g の順にパックした LSTM が出す値である"
                               "（cs231n の課題と同じ）。このコースは PyTorch と同じく i | f | g | o の順にパックする。"
                               "列の割り当ては次のとおりである：0:H が i（入力ゲート）、H:2H が f（忘却ゲート）、"
                               "2H:3H が g（セルの候補、tanh）、3H:4H が o（出力ゲート）。")
    assert english == mistake.explain() and english.startswith(
        "your values are what an LSTM gives when its gates are packed in the order i, f, o, g "
        "(as in the cs231n assignments).")


def test_passing_and_ungraded_lines_keep_their_marks_and_prefix(capsys):
    with speaking("ja"):
        with checking("lstm_step_forward") as check:
            check.close("h", np.ones(2), np.ones(2), 1e-9)
        with ungraded_checking("gru_step_forward_reset_before") as check:
            check.close("h", np.zeros(2), np.ones(2), 1e-9)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "\u2713 lstm_step_forward: 2 個のチェックにすべて合格した。"
    assert lines[1].startswith("\u2717 gru_step_forward_reset_before: h が誤っている（相対誤差 ")
    assert lines[1].endswith("である。（採点対象外の発展課題：配点なし）")


def test_the_feedback_reads_a_japanese_failure_like_an_english_one():
    import nbformat

    with speaking("ja"):
        message = failure(FunctionChecks("gru_forward").shape, "h", np.zeros((2, 3)), (2, 4))
    cell = nbformat.v4.new_code_cell(metadata={"nbgrader": {"grade": True, "grade_id": "test_gru_forward"}},
                                     outputs=[nbformat.v4.new_output("error", ename="CheckFailed", evalue=message)])
    cell.execution_count = 1
    assert failure_reason(cell) == "h の形状は (2, 3) だが、期待される形状は (2, 4) である。"


class DelegatingCell(torch.nn.Module):
    """A GRUCell that hands its work to torch.nn.GRUCell: the gru_torch exercise refuses it."""

    def __init__(self, D, H):
        super().__init__()
        self.cell = torch.nn.GRUCell(D, H)

    def forward(self, x, h=None):
        return self.cell(x, h)


class SigmoidCandidateCell(torch.nn.Module):
    """A GRUCell from tensor operations whose candidate uses a sigmoid: a known misconception."""

    def __init__(self, D, H):
        super().__init__()
        self.weight_ih = torch.nn.Parameter(torch.zeros(3 * H, D))
        self.weight_hh = torch.nn.Parameter(torch.zeros(3 * H, H))
        self.bias_ih = torch.nn.Parameter(torch.zeros(3 * H))
        self.bias_hh = torch.nn.Parameter(torch.zeros(3 * H))

    def forward(self, x, h=None):
        h = torch.zeros(x.shape[0], self.weight_hh.shape[1], dtype=x.dtype) if h is None else h
        a_x = x @ self.weight_ih.T + self.bias_ih                      # (N, 3H)
        a_h = h @ self.weight_hh.T + self.bias_hh                      # (N, 3H)
        H = h.shape[1]
        r = torch.sigmoid(a_x[:, :H] + a_h[:, :H])
        z = torch.sigmoid(a_x[:, H:2 * H] + a_h[:, H:2 * H])
        n = torch.sigmoid(a_x[:, 2 * H:] + r * a_h[:, 2 * H:])        # the mistake: tanh is right
        return (1 - z) * n + z * h


def test_the_pytorch_exercise_refuses_a_builtin_gru_in_japanese():
    from gatedrnn.torch_testing import torch_checking

    messages = {}
    for language in ("ja", "en"):
        with speaking(language):
            with pytest.raises(CheckFailed) as raised:
                with torch_checking("GRUCell", DelegatingCell):
                    pass
        messages[language] = str(raised.value)
    assert messages["ja"] == ("GRUCell: GRUCell は torch.nn.GRUCell を使っている（__init__ 内）：この演習では GRU を"
                              "テンソル演算から自分で書くことが求められているので、処理を組み込みの GRU に任せる部分"
                              "には点が与えられない。 [delegation]")
    assert messages["en"] == ("GRUCell: GRUCell uses torch.nn.GRUCell (in __init__): this exercise asks you to write "
                              "the GRU yourself from tensor operations, so a part that hands its work to a built-in "
                              "GRU earns no points. [delegation]")


def test_the_pytorch_exercise_names_a_sigmoid_candidate_in_japanese():
    from gatedrnn.torch_testing import compare_cell, torch_checking

    torch.manual_seed(0)
    reference = torch.nn.GRUCell(4, 3).double()
    cell = SigmoidCandidateCell(4, 3).double()
    cell.load_state_dict(reference.state_dict())
    with speaking("ja"):
        with pytest.raises(CheckFailed) as raised:
            with torch_checking("GRUCell", SigmoidCandidateCell) as check:
                compare_cell(check, cell, reference, N=2)
    message = str(raised.value)
    assert message.startswith("GRUCell: h_next が誤っている：あなたの値は、候補 n にシグモイド関数を使う GRU の値である。")
    assert misconception_ids(message) == ["gru-sigmoid-candidate"]
    cell32 = SigmoidCandidateCell(4, 3)  # float32 parameters against float64 inputs: the dtype check
    with speaking("ja"):
        with torch_checking("GRUCell", SigmoidCandidateCell) as check:
            message = failure(check.close, "h_next", cell32(torch.zeros(2, 4)), torch.zeros(2, 3, dtype=torch.float64),
                              1e-9)
    assert message == "GRUCell: h_next の dtype は torch.float32 だが、torch.float64（入力の dtype）でなければならない。"


def test_the_forecast_score_is_explained_in_japanese():
    from gatedrnn.forecasting import forecast_points

    with speaking("ja"):
        earned, why = forecast_points(1.16, 2.36, 4)
    assert earned == 2.0
    assert why == ("評価用に取り分けた月において、あなたの予測器の MAE 1.16 ppm は季節ナイーブ予測の 2.36 ppm に勝ったが、"
                   "求められる差はつかなかった（満点には 0.59 ppm 以下が必要）：4 点中 2 点。")
    assert forecast_points(1.16, 2.36, 4)[1] == ("your forecaster's MAE 1.16 ppm beat seasonal naive's 2.36 ppm on the "
                                                 "held-out months, but not by the margin (full marks need at most 0.59 "
                                                 "ppm): 2 of 4 points.")


def test_an_exercise_notebooks_misconception_is_explained_in_japanese_with_its_tag():
    from gatedrnn.forecasting import SCALER_LEAK
    train_z, leaked = np.array([-1.0, 1.0]), np.array([-2.0, -1.5])
    check = FunctionChecks("standardize")
    with speaking("ja"):
        ja = failure(check.close, "train_z", leaked, train_z, 1e-9, misconceptions=[(SCALER_LEAK, leaked)])
    assert ja == ("standardize: train_z が誤っている：平均と標準偏差を train と rest を合わせたものから計算しているため、"
                  "後の部分の情報が訓練に漏れている。これらは train だけから計算すること。 "
                  "[misconception: forecast-scaler-leak]")
    assert SCALER_LEAK.explanation == ("the mean and standard deviation were computed on train and rest together, "
                                       "which leaks the later part into training; compute them from train alone.")


def test_a_training_budget_and_a_target_are_reported_in_japanese():
    from gatedrnn import char_lm, forecasting
    check = FunctionChecks("train_char_lm")
    with speaking("ja"):
        budget = failure(check.within_budget, 25.04, 20.0, char_lm.FASTER_TRAINING, cpu=True)
        target = failure(check.at_most, char_lm.VALIDATION_PERPLEXITY, 9.123, 8.0, ("{:.2f}", "{:g}"),
                         char_lm.UNIGRAM_NOTE)
        line = forecasting.validation_line(0.61234, 2.6593750000000007, 3.25)
    assert budget == ("train_char_lm: 訓練に CPU 時間で 25.0 秒かかり、予算の 20 秒を超えた。"
                      "ステップ数を減らすか、モデルを小さくすること。")
    assert target == ("train_char_lm: あなたのモデルの検証データでのパープレキシティは 9.12 であるが、8 以下であることが"
                      "求められる（ユニグラムモデルでは 21.2）。")
    assert line == "検証データでの MAE は 0.612 ppm（季節ナイーブ予測は 2.659 ppm）、訓練時間は 3.2 秒。"
    assert failure(check.at_most, char_lm.VALIDATION_PERPLEXITY, 9.123, 8.0, ("{:.2f}", "{:g}"),
                   char_lm.UNIGRAM_NOTE) == ("train_char_lm: your model's validation perplexity is 9.12; "
                                             "expected at most 8 (the unigram model's is 21.2).")
    check.within_budget(19.9, 20.0, char_lm.FASTER_TRAINING)  # within the budget: no failure
    check.at_most(char_lm.VALIDATION_PERPLEXITY, 8.0, 8.0)  # at the target: no failure


def test_the_torch_exercises_case_words_are_in_japanese_inside_the_labels():
    from gatedrnn.torch_testing import BIDIRECTIONAL, ON_CUDA, case_label, into_yours
    assert case_label(BIDIRECTIONAL, ON_CUDA, "h0=None") == " (bidirectional, on CUDA, h0=None)"
    with speaking("ja"):
        assert case_label(BIDIRECTIONAL, ON_CUDA, "h0=None") == " (双方向, CUDA 上, h0=None)"
        assert into_yours("torch.nn.GRU", "GRU") == "torch.nn.GRU からあなたの GRU へ"
