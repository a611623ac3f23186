"""Faults and isolation: every broken or hostile submission is graded in its sandbox, gets the
points of what did pass, and a status and feedback that say what happened, while the rest of
the class is graded normally. Limits are lowered here to keep the test fast; the memory bomb
proves the address-space limit (2 GB) instead of exhausting the machine.
"""

import fcntl
import os
import re
import subprocess

import nbformat
import pytest

from autograder.assignments import REPO, source_notebook
from autograder.isolation import SANDBOX_UIDS, UID_LOCKS
from conftest import edit_solution, feedback_text, grade_submissions

pytestmark = pytest.mark.sandbox


def at_start_of(function, code):
    """The solution notebook with `code` run at the start of `function`'s body."""
    body = "".join(f"    {line}\n" for line in code.strip().splitlines())
    return edit_solution("rnn", function, "    ### BEGIN SOLUTION\n", body + "    ### BEGIN SOLUTION\n")


SNOOP = f"""
import os, socket
found = []
for path in [{str(source_notebook("rnn"))!r}, "/io/in.ipynb", {str(REPO / "nbgrader_config.py")!r}]:
    try:
        open(path).read(); found.append("READ " + path)
    except OSError as error:
        found.append(type(error).__name__ + " " + path)
try:
    socket.create_connection(("127.0.0.1", 22), timeout=2); found.append("CONNECTED")
except OSError as error:
    found.append("network " + type(error).__name__)
try:
    open({str(REPO / "planted.txt")!r}, "w"); found.append("WROTE")
except OSError as error:
    found.append("write " + type(error).__name__)
print("snoop:", found)
"""


def fault_submissions():
    """student id -> a broken or hostile submission (EXPECTED says what each one should get)."""
    deleted = nbformat.read(str(source_notebook("rnn")), as_version=4)
    deleted.cells = [c for c in deleted.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_rnn_backward"]
    edited = edit_solution("rnn", "rnn_backward", "dh[:, t, :] + dh_from_later", "dh[:, t, :]")
    for cell in edited.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_rnn_backward":
            cell.source = "pass  # no more test"
    submissions = {
        "full": nbformat.read(str(source_notebook("rnn")), as_version=4),
        "endless_loop": at_start_of("rnn_forward", "while True:\n    pass"),
        "exits": at_start_of("rnn_backward", "import os\nos._exit(1)"),
        "huge_allocation": at_start_of("rnn_step_backward", "np.ones(2 ** 31)  # 16 GB"),
        "growing_memory": at_start_of("rnn_backward", "chunks = []\nwhile True:\n    chunks.append(np.ones(2 ** 24))"),
        "fork_bomb": at_start_of("rnn_step_forward", "import os\nwhile True:\n    os.fork()"),
        "prints_forever": at_start_of("rnn_step_forward", "while True:\n    print('spam' * 1000)"),
        "nan_result": edit_solution("rnn", "rnn_forward", "    cache = step_caches\n",
                                    "    cache = step_caches\n    h = h * np.nan\n"),
        "deleted_test": deleted,
        "edited_test": edited,
        "snoop": edit_solution("rnn", "rnn_step_forward", "def rnn_step_forward(", SNOOP + "\ndef rnn_step_forward("),
    }
    return submissions


# The lowered limits these submissions are graded with.
FAULT_LIMITS = ["--cell-timeout", "5", "--wall-seconds", "90"]


@pytest.fixture(scope="module")
def faulty_class(tmp_path_factory):
    return grade_submissions("rnn", fault_submissions(), tmp_path_factory.mktemp("faults"), extra_args=FAULT_LIMITS)


EXPECTED = {  # student: (score, words in the status)
    "full": (10, "graded"),
    "endless_loop": (5, "ran longer than 5 s"),  # rnn_forward and rnn_backward (which calls it) time out
    "exits": (7, "kernel died"),
    "huge_allocation": (4, "graded"),  # rnn_step_backward and rnn_backward raise MemoryError
    "growing_memory": (7, "graded"),
    "prints_forever": (0, "were printed; the rest was dropped"),  # every function calls rnn_step_forward
    "nan_result": (8, "graded"),
    "deleted_test": (7, "graded"),
    "edited_test": (7, "graded"),  # the test is restored from the gradebook and still fails the bug
    "snoop": (10, "graded"),
}


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_fault_scores_and_statuses(faulty_class, student):
    _, rows, _ = faulty_class
    score, status = EXPECTED[student]
    assert float(rows[student]["score"]) == score, rows[student]
    assert status in rows[student]["status"]


def test_fork_bomb_is_contained(faulty_class):
    _, rows, out = faulty_class
    assert float(rows["fork_bomb"]["score"]) < 10  # rnn_step_forward never returns
    assert "rnn_step_forward" in feedback_text(out, "fork_bomb", "rnn")


def test_feedback_says_what_happened(faulty_class):
    _, _, out = faulty_class
    assert "did not finish within 5 s" in feedback_text(out, "endless_loop", "rnn")
    assert "This test did not run: the Python kernel died" in feedback_text(out, "exits", "rnn")
    assert "MemoryError" in feedback_text(out, "huge_allocation", "rnn")
    assert "MemoryError" in feedback_text(out, "growing_memory", "rnn")
    assert "output truncated" in feedback_text(out, "prints_forever", "rnn")
    assert "h contains nan" in feedback_text(out, "nan_result", "rnn")
    assert "its test cell was deleted" in feedback_text(out, "deleted_test", "rnn")


def test_sandbox_hides_solutions_network_and_repository(faulty_class):
    _, _, out = faulty_class
    printed = re.search(r"snoop: \[(.*?)\]", feedback_text(out, "snoop", "rnn")).group(1)  # what it found
    assert "READ" not in printed and "CONNECTED" not in printed and "WROTE" not in printed
    assert printed.count("Error") == 5  # two files missing, in.ipynb root's alone, no network, no writing
    assert not (REPO / "planted.txt").exists()


def reserved_by_another_run(uid):
    """Whether a grading run still running elsewhere (another checkout's tests) holds this sandbox user."""
    with open(os.path.join(UID_LOCKS, str(uid)), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def test_no_process_outlives_the_grading_run(faulty_class):
    listing = subprocess.run(["ps", "-eo", "uid="], capture_output=True, text=True).stdout.split()
    sandbox_users = {uid for uid in map(int, listing) if uid in SANDBOX_UIDS}
    # This run has released its users; processes of a user another live run holds are that run's.
    assert not {uid for uid in sandbox_users if not reserved_by_another_run(uid)}
