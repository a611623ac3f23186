"""A class on the class hub, end to end, in headless Chromium (deploy/jupyterhub).

The test sets the hub up with deploy/jupyterhub/setup.sh (configure) in a temporary folder,
with an instructor and three learners made as local accounts for the test, starts it on
127.0.0.1 and drives it as they would, through the hub's login page:

1. the instructor generates and releases `rnn` in formgrader;
2. learner A fetches it in the Assignments tab, completes it (the solution is written into
   the notebook file), validates and submits; B submits the stub, after two refused tries
   (a renamed notebook, no notebook); the instructor sets the due date to now; C submits
   twice, late: the stub, then the solution;
3. the instructor collects in formgrader and grades with the hub's route
   (`sudo gated-rnn-grade rnn`); formgrader shows each learner's points per function, and
   C's late penalty;
4. the instructor releases the feedback; A fetches it and reads the per-function table, its
   math typeset by a local MathJax, with no request leaving the machine.

Bad input gets a message and loses nothing: collect and grade with nothing submitted, a
renamed notebook, a submission with no notebook. Screenshots of every step go to
_build/screenshots/hub/ and the wall time of each step to _build/screenshots/hub/timings.json.
Needs root, the hub's environment (`make hub`) and Chromium (`make browser`).
"""

import csv
import json
import re
import shutil
import subprocess
import time
from contextlib import contextmanager

import nbformat
import pytest

from autograder.assignments import REPO, graded_functions, nbgrader_meta, source_notebook
from chromium import BrowserError, Chromium
from hub import HUB_PREFIX, ClassHub, missing_prerequisites

pytestmark = pytest.mark.hub
SHOTS = REPO / "_build" / "screenshots" / "hub"
ASSIGNMENT = "rnn"
FUNCTIONS = graded_functions(source_notebook(ASSIGNMENT))
FULL = sum(f.points for f in FUNCTIONS)
TIMES = {}  # step -> wall seconds


@contextmanager
def timed(step):
    began = time.monotonic()
    yield
    TIMES[step] = round(time.monotonic() - began, 1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "timings.json").write_text(json.dumps(TIMES, indent=1) + "\n")


@pytest.fixture(scope="module")
def hub():
    problems = missing_prerequisites()
    if problems:
        pytest.fail("cannot run the class hub here: " + "; ".join(problems))
    shutil.rmtree(SHOTS, ignore_errors=True)
    with timed("0 set up the hub (setup.sh configure, accounts, start)"):
        deployment = ClassHub(["ada", "ben", "cy"]).__enter__()
    deployment.uids = {user: deployment.uid(user) for user in [deployment.instructor, *deployment.learners]}
    yield deployment
    deployment.close()


@pytest.fixture(scope="module")
def browser():
    with Chromium(timeout=60) as chromium:
        chromium.set_screen(1366, 900)
        yield chromium


def shot(browser, name):
    time.sleep(0.6)  # let a dialog finish fading in
    browser.screenshot(SHOTS / f"{name}.png")


# -- the hub and JupyterLab ---------------------------------------------------------------
def log_in(browser, hub, user):
    """Log in on the hub's login page (as a new session) and wait for the user's JupyterLab."""
    browser.send("Network.clearBrowserCookies")
    browser.visit(f"{hub.url}/hub/login")
    browser.evaluate(f"""(() => {{
        document.querySelector('#username_input').value = {json.dumps(user)};
        document.querySelector('#password_input').value = {json.dumps(hub.passwords[user])};
        document.querySelector('#login_submit').click(); return true; }})()""")
    browser.wait_until(f"location.pathname.startsWith('/user/{user}/')", 120, what=f"{user}'s server")
    open_lab(browser, hub, user)


def open_lab(browser, hub, user):
    browser.send("Page.navigate", url=f"{hub.url}/user/{user}/lab?reset")
    browser.wait_until("document.querySelector('.jp-LabShell') && document.querySelectorAll('.lm-MenuBar-item').length > 5",
                       120, what="JupyterLab")


def menu(browser, top, item, opened):
    """Choose a menu item in JupyterLab's menu bar until the JavaScript condition `opened` holds
    (while JupyterLab is still starting, a menu can open empty or a click can miss)."""
    for _ in range(10):
        try:
            browser.click_text(".lm-MenuBar-item", top)
            browser.click_text(".lm-Menu-item", item, timeout=3)
            return browser.wait_until(opened, 10, what=f"{top} > {item}")
        except BrowserError:
            browser.send("Input.dispatchKeyEvent", type="keyDown", key="Escape")
    raise BrowserError(f"the menu item {top} > {item} did not open")


def assignments_tab(browser):
    menu(browser, "Nbgrader", "Assignment List",
         "document.querySelector('#nbgrader-assignment-list #released_assignments_list') &&"
         " !document.querySelector('#released_assignments_list_loading:not([hidden])')")


def dialog(browser):
    """The text of the JupyterLab dialog that opens next (title and body)."""
    return browser.wait_until("(() => { const d = document.querySelector('.jp-Dialog');"
                              " return d ? d.innerText : null; })()", 180, what="a dialog")


def close_dialog(browser):
    browser.click_text(".jp-Dialog-button", "Ok")
    browser.wait_until("!document.querySelector('.jp-Dialog')", what="the dialog to close")


def click_in_row(browser, list_id, button):
    """Click the button labelled `button` of the assignment's row in one list of the tab."""
    browser.click_text(f"#{list_id} .list_item button", button)


# -- formgrader ---------------------------------------------------------------------------
def formgrader(browser, hub, page="manage_assignments"):
    browser.visit(f"{hub.url}/user/{hub.instructor}/formgrader/{page}")
    browser.wait_until("document.querySelector('#main-table') && !document.querySelector('#main-table').innerText.includes('Loading')",
                       what="formgrader's table")


def click_in_formgrader(browser, column):
    """Click the link in the assignment's row and column of formgrader's table, once it is there
    (after each action the row shows "Please wait..." until it is drawn again)."""
    browser.wait_until(f"""(() => {{
        const row = Array.from(document.querySelectorAll('#main-table tr')).find(
            r => r.querySelector('td.name') && r.querySelector('td.name').textContent.trim() === {json.dumps(ASSIGNMENT)});
        const link = row && row.querySelector('td.{column} a');
        if (!link) return false;
        link.click(); return true; }})()""", what=f"formgrader's {column} link")


# Words in the dialog that reports each formgrader action, success or error.
ACTION_WORDS = {"assign": "student version", "release": "release", "collect": "collect",
                "release-feedback": "feedback"}


def assignment_action(browser, action):
    """Click one of the assignment's formgrader links (assign, release, collect, release-feedback);
    the text of the dialog that reports how it went ("success-modal: ..." or "error-modal: ...")."""
    browser.evaluate("document.querySelectorAll('.modal').forEach(m => m.dataset.seen = 'yes');"
                     "document.querySelectorAll('.modal, .modal-backdrop').forEach(m => m.style.display = 'none'); true")
    click_in_formgrader(browser, action)
    return browser.wait_until(f"""(() => {{
        const m = Array.from(document.querySelectorAll('#success-modal, #error-modal')).find(
            m => !m.dataset.seen && m.innerText.toLowerCase().includes({json.dumps(ACTION_WORDS[action])}));
        return m ? m.id + ': ' + m.innerText : null; }})()""", 180, what=f"formgrader's {action}")


def set_due_date(browser, when):
    """Formgrader's Edit dialog: the assignment's due date (UTC)."""
    browser.evaluate("document.querySelectorAll('.modal').forEach(m => m.dataset.seen = 'yes');"
                     "document.querySelectorAll('.modal, .modal-backdrop').forEach(m => m.style.display = 'none'); true")
    click_in_formgrader(browser, "edit")
    browser.wait_until("document.querySelector('#edit-assignment-modal input.modal-duedate')", what="the Edit dialog")
    browser.evaluate(f"""(() => {{
        document.querySelector('#edit-assignment-modal input.modal-duedate').value = {json.dumps(when)};
        document.querySelector('#edit-assignment-modal input.modal-timezone').value = 'UTC';
        document.querySelector('#edit-assignment-modal button.save').click(); return true; }})()""")


# -- files --------------------------------------------------------------------------------
def completed(path):
    """The fetched notebook at path with every solution cell holding the course's solution."""
    notebook = nbformat.read(str(path), as_version=4)
    solutions = {nbgrader_meta(c).get("grade_id"): c.source for c in
                 nbformat.read(str(source_notebook(ASSIGNMENT)), as_version=4).cells if nbgrader_meta(c).get("solution")}
    for cell in notebook.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution") and grade_id in solutions:
            cell.source = "\n".join(line for line in solutions[grade_id].splitlines()
                                    if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return notebook


def write_as(hub, user, path, notebook):
    """Save a notebook into a learner's files, as that learner (as JupyterLab would)."""
    hub.as_user(user, ["tee", str(path)], input=nbformat.writes(notebook))


def submissions_in_exchange(hub, user):
    inbound = hub.exchange / "gated-rnn-course" / "inbound"
    return sorted(p.name for p in inbound.glob(f"{user}+{ASSIGNMENT}+*")) if inbound.is_dir() else []


# -- the steps ----------------------------------------------------------------------------
def test_1_instructor_releases(hub, browser):
    with timed("1 release rnn (instructor logs in, formgrader generates and releases)"):
        log_in(browser, hub, hub.instructor)
        formgrader(browser, hub)
        assert assignment_action(browser, "assign").startswith("success-modal")
        formgrader(browser, hub)  # formgrader draws the Release link of a first generated assignment on the next visit
        released = assignment_action(browser, "release")
        assert released.startswith("success-modal"), released
        shot(browser, "01_instructor_released")
    assert (hub.exchange / "gated-rnn-course" / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()

    # Collect and grade with nothing submitted: a message, and nothing changes.
    collected = assignment_action(browser, "collect")
    assert f"No submissions of '{ASSIGNMENT}'" in collected, collected
    shot(browser, "01b_collect_nothing_submitted")
    before = (hub.course / "gradebook.db").read_bytes()
    grading = hub.as_user(hub.instructor, ["sudo", "-n", str(hub.grade_bin), ASSIGNMENT], check=False)
    assert grading.returncode == 2 and "nothing to grade" in grading.stderr and "Collect first" in grading.stderr, grading
    assert (hub.course / "gradebook.db").read_bytes() == before


def test_1b_learners_cannot_reach_the_solutions(hub):
    """The repository (solutions, hidden tests, the instructor edition, git's history) is root's alone,
    and the hub's environment, which learners run, lacks gatedrnn.worked (graded exercises, done)."""
    learner, python = hub.learners[0], str(HUB_PREFIX / "venv" / "bin" / "python")
    for path in [REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", REPO / ".git" / "HEAD"]:
        read = hub.as_user(learner, ["cat", str(path)], check=False)
        assert read.returncode != 0 and "Permission denied" in read.stderr, (path, read)
    assert hub.as_user(learner, [python, "-c", "import gatedrnn.testing, autograder.assignments"], check=False).returncode == 0
    worked = hub.as_user(learner, [python, "-c", "import gatedrnn.worked"], check=False)
    assert worked.returncode != 0 and "No module named 'gatedrnn.worked'" in worked.stderr, worked


def test_2_learners_fetch_validate_submit(hub, browser):
    ada, ben, cy = hub.learners
    with timed("2a learner A: log in, fetch, validate, submit"):
        log_in(browser, hub, ada)
        assignments_tab(browser)
        click_in_row(browser, "released_assignments_list", "Fetch")
        browser.wait_until(f"document.querySelector('#fetched_assignments_list').innerText.includes('{ASSIGNMENT}')",
                           what="the fetched assignment")
        shot(browser, "02_learner_a_fetched")
        notebook = hub.home(ada) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        write_as(hub, ada, notebook, completed(notebook))
        browser.evaluate("document.querySelector('#fetched_assignments_list a.assignment-notebooks-link').click(); true")
        click_in_row(browser, "fetched_assignments_list", "Validate")
        validation = dialog(browser)
        assert "Success! Your notebook passes all the tests." in validation, validation
        shot(browser, "03_learner_a_validated")
        close_dialog(browser)
        click_in_row(browser, "fetched_assignments_list", "Submit")
        browser.wait_until(f"document.querySelector('#submitted_assignments_list').innerText.includes('{ASSIGNMENT}')",
                           what="the submission")
        shot(browser, "04_learner_a_submitted")
    assert len(submissions_in_exchange(hub, ada)) == 1

    with timed("2b learner B: two refused tries (renamed notebook, no notebook), then the stub"):
        log_in(browser, hub, ben)
        assignments_tab(browser)
        click_in_row(browser, "released_assignments_list", "Fetch")
        browser.wait_until(f"document.querySelector('#fetched_assignments_list').innerText.includes('{ASSIGNMENT}')",
                           what="the fetched assignment")
        folder = hub.home(ben) / ASSIGNMENT
        stub = (folder / f"{ASSIGNMENT}.ipynb").read_bytes()
        hub.as_user(ben, ["mv", str(folder / f"{ASSIGNMENT}.ipynb"), str(folder / "my_rnn.ipynb")])
        click_in_row(browser, "fetched_assignments_list", "Submit")
        refused = dialog(browser)
        assert "Invalid Submission" in refused and f"{ASSIGNMENT}.ipynb" in refused, refused
        shot(browser, "05_learner_b_renamed_notebook_refused")
        close_dialog(browser)
        assert (folder / "my_rnn.ipynb").read_bytes() == stub and not submissions_in_exchange(hub, ben)
        hub.as_user(ben, ["mv", str(folder / "my_rnn.ipynb"), str(hub.home(ben) / "my_rnn.ipynb")])
        click_in_row(browser, "fetched_assignments_list", "Submit")
        refused = dialog(browser)
        assert "Invalid Submission" in refused and f"{ASSIGNMENT}.ipynb" in refused, refused
        shot(browser, "06_learner_b_no_notebook_refused")
        close_dialog(browser)
        assert (hub.home(ben) / "my_rnn.ipynb").read_bytes() == stub and not submissions_in_exchange(hub, ben)
        hub.as_user(ben, ["mv", str(hub.home(ben) / "my_rnn.ipynb"), str(folder / f"{ASSIGNMENT}.ipynb")])
        click_in_row(browser, "fetched_assignments_list", "Submit")
        browser.wait_until(f"document.querySelector('#submitted_assignments_list').innerText.includes('{ASSIGNMENT}')",
                           what="the submission")
    assert len(submissions_in_exchange(hub, ben)) == 1

    with timed("2c instructor sets the due date to now"):
        log_in(browser, hub, hub.instructor)
        formgrader(browser, hub)
        due = time.gmtime()  # after A's and B's submissions, before C's (nbgrader keeps the seconds)
        set_due_date(browser, time.strftime("%Y-%m-%dT%H:%M:%S", due))
        browser.wait_until(f"document.querySelector('#main-table').innerText.includes('{time.strftime('%Y-%m-%d', time.gmtime())}')",
                           what="the due date in the table")
        shot(browser, "07_instructor_due_date_set")

    with timed("2d learner C: submits the stub, then the solution, both late"):
        log_in(browser, hub, cy)
        assignments_tab(browser)
        click_in_row(browser, "released_assignments_list", "Fetch")
        browser.wait_until(f"document.querySelector('#fetched_assignments_list').innerText.includes('{ASSIGNMENT}')",
                           what="the fetched assignment")
        click_in_row(browser, "fetched_assignments_list", "Submit")
        browser.wait_until(f"document.querySelector('#submitted_assignments_list').innerText.includes('{ASSIGNMENT}')",
                           what="the first submission")
        notebook = hub.home(cy) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        write_as(hub, cy, notebook, completed(notebook))
        time.sleep(1.1)  # nbgrader names submissions by the second
        click_in_row(browser, "fetched_assignments_list", "Submit")
        browser.wait_until("document.querySelectorAll('#submitted_assignments_list .list_item').length >= 2",
                           what="the second submission")
        shot(browser, "08_learner_c_submitted_twice_late")
    assert len(submissions_in_exchange(hub, cy)) == 2


def function_points_in_formgrader(browser, hub, student, screenshot=None):
    """{function: points} as formgrader's page of the student's graded notebook shows them (the
    autograded score of each test cell)."""
    browser.visit(f"{hub.url}/user/{hub.instructor}/formgrader/api/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}")
    notebooks = {n["student"]: n["id"] for n in json.loads(browser.evaluate("document.body.innerText"))}
    browser.visit(f"{hub.url}/user/{hub.instructor}/formgrader/submissions/{notebooks[student]}")
    try:
        browser.wait_until("document.querySelectorAll('input.score').length > 0", what="the graded cells")
    finally:
        shot(browser, screenshot or f"11_formgrader_{student}")
    points = browser.evaluate("Object.fromEntries(Array.from(document.querySelectorAll('input.score')).map("
                              "i => [i.id, i.value || i.placeholder]))")
    return {name.removeprefix("test_"): float(value) for name, value in points.items()}


def test_3_instructor_collects_and_grades(hub, browser):
    ada, ben, cy = hub.learners
    with timed("3a instructor collects in formgrader"):
        log_in(browser, hub, hub.instructor)
        formgrader(browser, hub)
        collected = assignment_action(browser, "collect")
        assert collected.startswith("success-modal"), collected
        shot(browser, "09_instructor_collected")
    with timed("3b grading: sudo gated-rnn-grade rnn --jobs 2 (sandbox, independent check)"):
        grading = hub.as_user(hub.instructor, ["sudo", "-n", str(hub.grade_bin), ASSIGNMENT, "--jobs", "2"], check=False)
    assert grading.returncode == 0, grading.stdout + grading.stderr
    assert f"Grades of 3 submissions are in {hub.course}/gradebook.db" in grading.stdout
    # The instructor may run the helper and nothing else as root.
    other = hub.as_user(hub.instructor, ["sudo", "-n", "/bin/cat", "/etc/shadow"], check=False)
    assert other.returncode != 0 and "root:" not in other.stdout
    with timed("3c formgrader shows the grades, per learner and per function"):
        formgrader(browser, hub, f"manage_submissions/{ASSIGNMENT}")
        browser.wait_until("!document.querySelector('#main-table').innerText.includes('needs autograding')",
                           what="every submission graded")
        shot(browser, "10_formgrader_submissions")
        per_function = {student: function_points_in_formgrader(browser, hub, student, f"11_formgrader_learner_{letter}")
                        for student, letter in zip(hub.learners, "abc")}
    full = {f.name: f.points for f in FUNCTIONS}
    assert per_function[ada] == full
    assert per_function[ben] == {name: 0.0 for name in full}
    assert per_function[cy] == full  # the later of C's two submissions: the solution
    feedback = {s: (hub.course / "feedback" / s / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text() for s in hub.learners}
    assert f"Late submission penalty (Score: -{FULL:.1f})" in feedback[cy]  # nbgrader's zero penalty: all points
    assert "Late submission penalty" not in feedback[ada] + feedback[ben]
    with open(hub.course / "grading" / ASSIGNMENT / "grades.csv") as handle:
        totals = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert totals == {ada: FULL, ben: 0.0, cy: 0.0}
    TIMES["3 per-function points (formgrader)"] = {s.split("-")[0]: sum(p.values()) for s, p in per_function.items()}


def test_4_feedback_released_and_read(hub, browser):
    ada = hub.learners[0]
    with timed("4a instructor releases feedback"):
        log_in(browser, hub, hub.instructor)
        formgrader(browser, hub)
        released = assignment_action(browser, "release-feedback")
        assert released.startswith("success-modal"), released
        shot(browser, "12_instructor_released_feedback")
    with timed("4b learner A fetches and reads the feedback"):
        log_in(browser, hub, ada)
        assignments_tab(browser)
        click_in_row(browser, "submitted_assignments_list", "Fetch Feedback")
        pages = hub.wait_for_files(hub.home(ada) / ASSIGNMENT / "feedback", f"*/{ASSIGNMENT}.html")
        relative = pages[0].relative_to(hub.home(ada))
        browser.visit("about:blank")  # requests JupyterLab leaves unfinished are not the feedback page's
        page = browser.visit(f"{hub.url}/user/{ada}/files/{relative}")
        shot(browser, "13_learner_a_feedback")
    text = browser.evaluate("document.body.innerText")
    for function in FUNCTIONS:
        assert re.search(rf"{function.name}\s+{function.points:g} / {function.points:g}\s+\u2713 passed", text), text[:2000]
    assert not page.failed, page.failed
    assert all(url.startswith(hub.url) or url.startswith("data:") for url in page.requests), page.requests
    assert browser.evaluate("document.querySelectorAll('mjx-container').length") > 0  # math typeset, locally


def test_5_nothing_left_behind(hub):
    uids = hub.uids
    hub.close()
    listing = subprocess.run(["ps", "-eo", "uid="], capture_output=True, text=True).stdout.split()
    assert not set(map(int, listing)) & set(uids.values())
    assert all(ClassHub.uid(user) is None for user in uids) and not hub.sudoers.exists() and not hub.folder.exists()
    print("wall time of each step (s):", json.dumps(TIMES, indent=1))
