"""Feedback that names the mistakes real learner code makes (issue 15), through `python -m autograder grade`.

Each planted submission makes one mistake found in published learner or textbook code; its
feedback must name it (identifier and plain words) and it must lose exactly the points of the
functions it gets wrong. The class report counts the new identifiers.
"""

import csv
import re

import pytest

from autograder.feedback_assets import VENDORED_MATHJAX
from autograder.outcomes import misconception_ids
from conftest import assert_scores, edit_solution, feedback_text, grade_submissions

pytestmark = pytest.mark.sandbox  # grades through bubblewrap

GRU = {"gru_step_forward": 2, "gru_step_backward": 4, "gru_forward": 2, "gru_backward": 4}
TORCH = {"GRUCell": 4, "GRU": 6, "GRU_bidirectional": 3}

# The most common published NumPy GRU: blocks z | r | n, reset before the product, reversed update.
GRU_COMBINATION = [
    ("r = sigmoid(a_x[:, :H] + a_h[:, :H])  # (N, H) reset gate\n"
     "    z = sigmoid(a_x[:, H:2 * H] + a_h[:, H:2 * H])",
     "z = sigmoid(a_x[:, :H] + a_h[:, :H])\n    r = sigmoid(a_x[:, H:2 * H] + a_h[:, H:2 * H])"),
    ("r * a_h[:, 2 * H:]", "(r * h_prev) @ Wh[:, 2 * H:] + bh[2 * H:]"),
    ("h_next = (1.0 - z) * n + z * h_prev", "h_next = (1.0 - z) * h_prev + z * n"),
]
GRU_EXPECTED = {  # student: (score, points lost per function)
    "combination": (0, GRU),
    "batch_averaged": (4, {"gru_step_backward": 4, "gru_backward": 4}),
    "no_carry": (8, {"gru_backward": 4}),
    "float32_result": (8, {"gru_backward": 4}),
    "overflow_tanh": (8, {"gru_step_forward": 2, "gru_forward": 2}),
}


def gru_submissions():
    combination = None
    for old, new in GRU_COMBINATION:
        combination = edit_solution("gru", "gru_step_forward", old, new, combination)
    averaged = None
    for name in ("dWx = x.T @ da_x", "dWh = h_prev.T @ da_h", "dbx = np.sum(da_x, axis=0)", "dbh = np.sum(da_h, axis=0)"):
        averaged = edit_solution("gru", "gru_step_backward", name, f"{name} / x.shape[0]", averaged)
    return {
        "combination": combination,
        "batch_averaged": averaged,
        # Drops dh_prev between steps: dh[:, t] reaches step t only.
        "no_carry": edit_solution("gru", "gru_backward", "dh[:, t, :] + dh_from_later", "dh[:, t, :]"),
        "float32_result": edit_solution("gru", "gru_backward", "dx = np.stack(dx_steps, axis=1)",
                                        "dx = np.stack(dx_steps, axis=1).astype(np.float32)"),
        # tanh from its definition: inf / inf = nan beyond |a| ~ 710.
        "overflow_tanh": edit_solution("gru", "gru_step_forward", "n = np.tanh(a_x[:, 2 * H:] + r * a_h[:, 2 * H:])",
                                       "a_n = a_x[:, 2 * H:] + r * a_h[:, 2 * H:]\n"
                                       "    n = (np.exp(a_n) - np.exp(-a_n)) / (np.exp(a_n) + np.exp(-a_n))"),
    }


def torch_submissions():
    # GRUCell reads z | r | n and uses the reversed update; GRU reads z | r | n with a sigmoid candidate.
    both = edit_solution("gru_torch", "GRUCell", "i_r, i_z, i_n = F.linear(x", "i_z, i_r, i_n = F.linear(x")
    both = edit_solution("gru_torch", "GRUCell", "h_r, h_z, h_n = F.linear(h", "h_z, h_r, h_n = F.linear(h", both)
    both = edit_solution("gru_torch", "GRUCell", "return (1.0 - z) * n + z * h", "return (1.0 - z) * h + z * n", both)
    both = edit_solution("gru_torch", "GRU", "i_r, i_z, i_n = projected[t]", "i_z, i_r, i_n = projected[t]", both)
    both = edit_solution("gru_torch", "GRU", "h_r, h_z, h_n = F.linear(h, w_hh", "h_z, h_r, h_n = F.linear(h, w_hh", both)
    both = edit_solution("gru_torch", "GRU", "torch.tanh(i_n + r * h_n)", "torch.sigmoid(i_n + r * h_n)", both)
    return {
        "torch_combination": both,
        # Zeros made in the default dtype (float32): a float64 model without h0 crashes.
        "torch_crash": edit_solution("gru_torch", "GRU", "h0 = x.new_zeros(self.num_layers * K, N, self.hidden_size)",
                                     "h0 = torch.zeros(self.num_layers * K, N, self.hidden_size)"),
    }


@pytest.fixture(scope="module")
def gru_class(tmp_path_factory):
    return grade_submissions("gru", gru_submissions(), tmp_path_factory.mktemp("gru"), jobs=1)


@pytest.fixture(scope="module")
def torch_class(tmp_path_factory):
    return grade_submissions("gru_torch", torch_submissions(), tmp_path_factory.mktemp("gru_torch"), jobs=1)


def row_of(text, function, functions):
    """The feedback table's row of one function: from "<function> <score> / <points>" to the next row."""
    table = text[text.index("Your results,"):]
    starts = {name: re.search(rf"(?<![A-Za-z_]){name} [0-9.]+ / [0-9.]+ ", table) for name in functions}
    start = starts[function].start()
    ends = [m.start() for m in starts.values() if m and m.start() > start]
    ends.append(re.search(r"A (function|class) that uses", table).start())
    return table[start:min(ends)]


@pytest.mark.parametrize("student", sorted(GRU_EXPECTED))
def test_gru_mistakes_lose_exactly_their_functions_points(gru_class, student):
    _, rows, _ = gru_class
    score, lost = GRU_EXPECTED[student]
    assert_scores(rows[student], "gru", score, 12, lost, GRU)


def test_gru_combination_names_each_deviation(gru_class):
    _, _, out = gru_class
    text = feedback_text(out, "combination", "gru")
    wanted = ["gru-gate-order-zrn", "gru-reset-before-product", "gru-reversed-update"]
    for function in ("gru_step_forward", "gru_forward"):
        row = row_of(text, function, GRU)
        assert "differs from the course's in 3 ways" in row
        assert "reads the packed blocks as z | r | n" in row and "before the recurrent product" in row
        assert "(1 - z) * h_prev + z * n" in row
        assert misconception_ids(row) == wanted


def test_gradients_averaged_over_the_batch_are_named_all_together(gru_class):
    _, _, out = gru_class
    row = row_of(feedback_text(out, "batch_averaged", "gru"), "gru_step_backward", GRU)
    assert "dWx, dWh, dbx and dbh are wrong: each is the right gradient divided by N = 3, the batch size" in row
    assert misconception_ids(row) == ["grad-averaged-over-batch"]
    assert "dx " not in row and "dh_prev" not in row  # the right ones are not named


def test_bptt_without_carry_is_named(gru_class):
    _, _, out = gru_class
    row = row_of(feedback_text(out, "no_carry", "gru"), "gru_backward", GRU)
    assert "no gradient flows to earlier steps" in row and misconception_ids(row) == ["bptt-no-carry"]
    assert row.startswith("gru_backward 0 / 4 \u2717 dx, dh0, dWx, dWh, dbx and dbh are wrong")


def test_lost_precision_is_named_with_digits_that_differ(gru_class):
    _, _, out = gru_class
    row = row_of(feedback_text(out, "float32_result", "gru"), "gru_backward", GRU)
    assert "dx is wrong (relative error" in row and "It has dtype float32 but the inputs were float64" in row
    assert misconception_ids(row) == ["precision-lost"]
    expected, found = re.search(r"expected (\S+), found (\S+)\. It has dtype", row).groups()
    assert expected != found  # printed with enough digits to show the difference


def test_overflowing_tanh_fails_on_saturating_inputs(gru_class):
    _, _, out = gru_class
    row = row_of(feedback_text(out, "overflow_tanh", "gru"), "gru_step_forward", GRU)
    assert "h_next (saturating inputs 0 ... 24) contains nan" in row and "overflowed" in row
    assert misconception_ids(row) == ["activation-overflow"]


def test_report_counts_the_new_identifiers(gru_class):
    _, rows, out = gru_class
    with open(out / "report" / "misconceptions.csv") as handle:
        counted = {row["misconception"]: row["student_ids"].split() for row in csv.DictReader(handle)}
    for identifier in ("gru-gate-order-zrn", "gru-reset-before-product", "gru-reversed-update"):
        assert counted[identifier] == ["combination"]
    assert counted["grad-averaged-over-batch"] == ["batch_averaged"]
    assert counted["bptt-no-carry"] == ["no_carry"]
    assert counted["precision-lost"] == ["float32_result"]
    assert counted["activation-overflow"] == ["overflow_tanh"]
    assert "bptt-no-carry" in rows["no_carry"]["misconceptions"]


def test_gru_torch_recognises_combinations_in_the_cell_and_the_layer(torch_class):
    _, rows, out = torch_class
    assert_scores(rows["torch_combination"], "gru_torch", 0, 13, TORCH, TORCH)
    text = feedback_text(out, "torch_combination", "gru_torch")
    cell = row_of(text, "GRUCell", TORCH)
    assert "h_next is wrong: your values are those of a GRU that differs from the course's in 2 ways" in cell
    assert misconception_ids(cell) == ["gru-gate-order-zrn", "gru-reversed-update"]
    for layer in (row_of(text, "GRU", TORCH), row_of(text, "GRU_bidirectional", TORCH)):
        assert "output" in layer and "is wrong: your values are those of a GRU that differs" in layer
        assert misconception_ids(layer) == ["gru-gate-order-zrn", "gru-sigmoid-candidate"]


def test_gru_torch_crash_says_which_case_and_line(torch_class):
    _, rows, out = torch_class
    assert_scores(rows["torch_crash"], "gru_torch", 4, 13, {"GRU": 6, "GRU_bidirectional": 3}, TORCH)
    row = row_of(feedback_text(out, "torch_crash", "gru_torch"), "GRU", TORCH)
    assert "GRU raised RuntimeError in the case h0=None, float64 on cpu:" in row
    assert re.search(r"\(in forward, line \d+: h_r, h_z, h_n = F\.linear\(h, w_hh, b_hh\)", row)  # where it failed


# What a feedback or report page shows once loaded: typeset math, TeX left over, the results
# table's cell padding, images, and URLs named in inline scripts.
PAGE_FACTS = """(() => {
  const prose = [...document.querySelectorAll('div.text_cell_render')].map(e => {
    const copy = e.cloneNode(true);
    copy.querySelectorAll('pre, code, mjx-container').forEach(c => c.remove());
    return copy.textContent; }).join(' ');
  const header = document.querySelector('div.text_cell_render th');
  return {
    typeset: document.querySelectorAll('mjx-container').length,
    texErrors: document.querySelectorAll('mjx-merror').length,
    prose: prose,
    headerPadding: header ? parseFloat(getComputedStyle(header).paddingLeft) : null,
    images: [...document.images].map(i => i.complete && i.naturalWidth > 0),
    scriptFiles: [...document.querySelectorAll('script[src]')].map(s => s.src),
    inlinedMathjax: document.getElementById('vendored-mathjax')?.textContent ?? null,
    // The vendored MathJax, checked whole against its file, names hosts it never asks (its menu's
    // links, the speech engine's CDN it is never configured to use): the other inline scripts.
    inlineUrls: [...document.querySelectorAll('script:not([src]):not(#vendored-mathjax)')]
      .flatMap(s => s.textContent.match(/https?:\\/\\/[^\\s'"`)<>]+/g) || []),
  };
})()"""


@pytest.fixture(scope="module")
def served_class(gru_class):
    """The gru class's grading output served on 127.0.0.1; yields (base URL, out folder)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    _, _, out = gru_class
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", out
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def offline_problems(load, facts, server):
    # Chromium asks every http server for /favicon.ico; a learner opens the page as a file, where it does not.
    favicon = f"{server}favicon.ico"
    problems = [f"console error: {e}" for e in load.console_errors if favicon not in e]
    problems += [f"failed request: {f}" for f in load.failed if not f.startswith(favicon)]
    problems += [f"request to another host: {u}" for u in load.requests
                 if not u.startswith(server) and not u.startswith(("data:", "blob:", "about:"))]
    problems += [f"an inline script names another host: {u}" for u in facts["inlineUrls"]]
    return problems


@pytest.mark.browser
def test_feedback_and_report_pages_render_offline(served_class):
    from chromium import Chromium

    server, out = served_class
    with Chromium() as browser:
        page = f"{server}feedback/combination/gru/gru.html"
        load = browser.visit(page)
        facts = browser.evaluate(PAGE_FACTS)
        problems = offline_problems(load, facts, server)
        # One self-contained file: MathJax inlined (SVG output, no fonts), nothing copied beside the page.
        assert facts["inlinedMathjax"] == (VENDORED_MATHJAX / "tex-svg.js").read_text(encoding="utf-8")
        asked = {u.split("?")[0] for u in load.requests if not u.startswith(("data:", "blob:", "about:"))}
        assert facts["scriptFiles"] == [] and asked - {f"{server}favicon.ico"} == {page}, asked
        assert sorted(p.name for p in (out / "feedback" / "combination" / "gru").iterdir()) == ["gru.html"]
        assert facts["typeset"] > 5 and not facts["texErrors"], facts["typeset"]
        assert "$" not in facts["prose"] and "\\(" not in facts["prose"], "TeX left untypeset"
        assert facts["headerPadding"] and facts["headerPadding"] >= 8  # 'points' and 'result' apart
        load = browser.visit(f"{server}report/report.html")
        facts = browser.evaluate(PAGE_FACTS)
        problems += offline_problems(load, facts, server)
        assert facts["images"] == [True]
    assert not problems, "\n".join(problems)
