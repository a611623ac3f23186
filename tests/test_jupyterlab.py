"""Learners in JupyterLab: the course environment's real JupyterLab, driven in headless Chromium.

The test starts `jupyter lab` on 127.0.0.1 (an ephemeral port, a token it sets, settings and
runtime files in a temporary folder) on copies of the rnn exercise notebook, and stops it after.
Through the page, as a learner would: type a correct function into a solution cell's editor,
run its test cell and read the check mark; press nbgrader's Validate button on a completed
notebook (success) and on the released stub (which names each failing test cell); and open the
notebook with a kernel that lacks the course's package, where the first cell shows one line
that says what to install. Every request stays on 127.0.0.1. Screenshots are saved in
_build/screenshots/jupyterlab/ for review.

Needs Chromium (`make browser`, run by `make test`); -m "not browser" skips it.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder.assignments import REPO, graded_functions, released_notebook
from autograder.ja_notebooks import japanese_notebook_path
from chromium import Chromium
from conftest import completed_release, solution_sources

pytestmark = pytest.mark.browser
SCREENSHOTS = REPO / "_build" / "screenshots" / "jupyterlab"
ASSIGNMENT = "rnn"
TOKEN = "course-test-token"
CHECK_MARK = "\u2713"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana and kanji
# Settings a learner could choose too: every cell rendered (JupyterLab 4 otherwise renders only
# the cells in view) and no question about fetching Jupyter's news (it would go online).
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}
# A kernel of the course's Python in which `import gatedrnn` fails, as where the kit is missing.
NO_KIT_KERNEL = {
    "argv": [sys.executable, "-c", "import sys; sys.modules['gatedrnn'] = None; "
             "from ipykernel.kernelapp import launch_new_instance; launch_new_instance()", "-f", "{connection_file}"],
    "display_name": "Python 3 (no course kit)", "language": "python",
}


def notebook_copy(folder, name, fill=(), kernel=None, japanese=False):
    """The released notebook (or its Japanese twin) saved as folder/name, with the solution cells in `fill` completed."""
    notebook = completed_release(ASSIGNMENT, fill, japanese_notebook_path(ASSIGNMENT) if japanese else None)
    if kernel:
        notebook.metadata.kernelspec = {"name": kernel, "display_name": NO_KIT_KERNEL["display_name"],
                                        "language": "python"}
    nbformat.write(notebook, str(folder / name))
    return name


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a temporary folder; yields (base URL, folder)."""
    home = tmp_path_factory.mktemp("jupyterlab")
    root = home / "notebooks"
    root.mkdir()
    for path, values in SETTINGS.items():
        (home / "settings" / path).parent.mkdir(parents=True, exist_ok=True)
        (home / "settings" / path).write_text(json.dumps(values))
    (home / "data" / "kernels" / "no-kit").mkdir(parents=True)
    (home / "data" / "kernels" / "no-kit" / "kernel.json").write_text(json.dumps(NO_KIT_KERNEL))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               JUPYTER_PATH=str(home / "data"), PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    port = free_port()
    log = open(home / "server.log", "wb")
    command = [str(Path(sys.executable).parent / "jupyter-lab"), "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
               "--LabApp.expose_app_in_browser=True"]  # window.jupyterapp: the test reads the kernel's state
    if os.geteuid() == 0:
        command.append("--allow-root")  # CI runs as root in a container
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                raise AssertionError(f"jupyter lab exited {server.returncode}:\n{(home / 'server.log').read_text()}")
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("jupyter lab did not answer within 120 s")
                time.sleep(0.5)
        yield base, root
    finally:
        # The server shuts its kernels down on SIGTERM; the process group catches any it left.
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        server.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with Chromium(timeout=60) as chromium:
        chromium.set_screen(1366, 900)
        yield chromium


def wait_for(browser, expression, seconds=120, what=None):
    """Poll a JavaScript expression until it is truthy; its value."""
    deadline = time.monotonic() + seconds
    while True:
        value = browser.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            shot = browser.screenshot(SCREENSHOTS / "timed_out.png")
            raise AssertionError(f"waited {seconds} s for {what or expression}; the page then: {shot}")
        time.sleep(0.25)


# JavaScript helpers, defined in the page once it has loaded.
PAGE_HELPERS = """
window.courseCells = () => Array.from(document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell'));
window.courseCellText = (cell) => Array.from(cell.querySelectorAll('.cm-line')).map(l => l.textContent).join('\\n');
window.courseOutput = (cell) => Array.from(cell.querySelectorAll('.jp-OutputArea-output')).map(o => o.innerText).join('\\n');
window.courseFind = (start) => courseCells().findIndex(c => courseCellText(c).startsWith(start));
window.courseKernelIdle = () => {
  const panel = Array.from(window.jupyterapp.shell.widgets('main')).find(w => w.isVisible && w.sessionContext);
  const kernel = panel && panel.sessionContext && panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle';
};
true
"""


def open_notebook(browser, lab, name):
    """Open a notebook of the served folder in JupyterLab and wait for its kernel; a PageLoad.

    The notebook open before is saved first: JupyterLab asks before leaving unsaved changes."""
    base, _ = lab
    if browser.evaluate("!!document.querySelector('.jp-NotebookPanel')"):
        save(browser)
    shut_down_kernels(base)
    # A workspace of its own: the page opens this notebook alone, not those opened before.
    load = browser.visit(f"{base}/lab/workspaces/{Path(name).stem}/tree/{name}?token={TOKEN}")
    wait_for(browser, "document.querySelectorAll('.jp-Notebook .jp-Cell').length > 3", what="the notebook's cells")
    browser.evaluate(PAGE_HELPERS)
    wait_for(browser, "courseKernelIdle()", what="an idle kernel")
    return load


def shut_down_kernels(base):
    """End every session (and its kernel) of the server, through its REST API."""
    def call(method, path):
        request = urllib.request.Request(f"{base}{path}", method=method, headers={"Authorization": f"token {TOKEN}"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read() or b"null")

    for session in call("GET", "/api/sessions"):
        call("DELETE", f"/api/sessions/{session['id']}")


def save(browser):
    """Save the open notebook (Ctrl+S) and wait until its tab no longer shows unsaved changes."""
    click(browser, "document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook')")
    press(browser, "s", "KeyS", 83, modifiers=2)
    wait_for(browser, "!document.querySelector('.lm-TabBar-tab.jp-mod-dirty')", seconds=30, what="the notebook to be saved")


def click(browser, expression):
    """Scroll the element an expression finds into view and click its middle, as a mouse would."""
    box = browser.evaluate(f"(() => {{ const e = {expression}; e.scrollIntoView({{block: 'center'}});"
                           " const r = e.getBoundingClientRect(); return [r.x + Math.min(r.width / 2, 40), r.y + r.height / 2]; })()")
    for kind in ("mousePressed", "mouseReleased"):
        browser.send("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)


def press(browser, key, code, key_code, modifiers=0):
    """A key press (modifiers: 2 Ctrl, 8 Shift) sent to whatever has the focus."""
    for kind in ("rawKeyDown", "keyUp"):
        browser.send("Input.dispatchKeyEvent", type=kind, key=key, code=code, windowsVirtualKeyCode=key_code,
                     modifiers=modifiers)


def run_cell(browser, index):
    """Select cell `index` (click its prompt, command mode), run it with Shift+Enter and wait until it ran."""
    click(browser, f"courseCells()[{index}].querySelector('.jp-InputPrompt')")
    press(browser, "Enter", "Enter", 13, modifiers=8)
    wait_for(browser, f"(() => {{ const p = courseCells()[{index}].querySelector('.jp-InputPrompt').innerText;"
                      " return /\\[\\d+\\]/.test(p) && courseKernelIdle(); })()", what=f"cell {index} to run")
    return browser.evaluate(f"courseOutput(courseCells()[{index}])")


def validate(browser):
    """Press the Validate button and wait for nbgrader's verdict; (dialog title, dialog text)."""
    click(browser, "document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) "
                   "[data-jp-item-name=\"validate\"] button, .jp-NotebookPanel:not(.lm-mod-hidden) "
                   ".validate-button')")
    wait_for(browser, "(() => { const d = document.querySelector('.jp-Dialog'); return d && !/Validating/.test(d.innerText); })()",
             seconds=300, what="nbgrader's validation dialog")
    return browser.evaluate("document.querySelector('.jp-Dialog-header').innerText"), \
        browser.evaluate("document.querySelector('.jp-Dialog-body').innerText")


def close_dialog(browser):
    press(browser, "Escape", "Escape", 27)
    wait_for(browser, "!document.querySelector('.jp-Dialog')", seconds=10, what="the dialog to close")


def assert_only_local_requests(browser, lab):
    """Every request the page made since it was opened went to the test's server (or is inline data)."""
    base, _ = lab
    browser.drain()
    requests = browser.page_load(base).requests
    assert any(url.startswith(base + "/lab") for url in requests)  # the check sees the page's requests
    outside = [url for url in requests if not url.startswith((base + "/", "data:", "blob:"))]
    assert not outside, outside


def test_a_function_typed_into_the_page_passes_its_test_cell(lab, browser):
    _, root = lab
    open_notebook(browser, lab, notebook_copy(root, "typed.ipynb"))
    function = graded_functions(released_notebook(ASSIGNMENT))[0].name  # rnn_step_forward
    setup = browser.evaluate("courseFind('import sys')")
    assert run_cell(browser, setup) == ""  # the course's package is there: no message
    stub = browser.evaluate(f"courseFind('def {function}(')")
    assert stub > setup

    click(browser, f"courseCells()[{stub}].querySelector('.cm-content')")  # into the editor
    press(browser, "a", "KeyA", 65, modifiers=2)  # Ctrl+A: select the stub
    written = "\n".join(line for line in solution_sources(ASSIGNMENT)[function].splitlines()
                        if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))  # as a learner writes it
    browser.send("Input.insertText", text=written)  # as a paste would
    typed = browser.evaluate(f"courseCellText(courseCells()[{stub}])")
    assert typed == written  # the editor holds exactly that (no auto-indent or closed brackets added)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.screenshot(SCREENSHOTS / "01_function_typed.png")

    assert run_cell(browser, stub) == ""
    test_cell = stub + 1
    assert f'checking("{function}")' in browser.evaluate(f"courseCellText(courseCells()[{test_cell}])")
    output = run_cell(browser, test_cell)
    browser.screenshot(SCREENSHOTS / "02_test_cell_passes.png")
    assert output.strip().startswith(CHECK_MARK) and function in output, output
    assert "Error" not in output
    assert_only_local_requests(browser, lab)


def test_a_japanese_notebook_answers_in_japanese(lab, browser):
    """The kernel finds its notebook's language itself (JupyterLab tells it the notebook's path, gatedrnn.i18n)."""
    _, root = lab
    solved, unsolved = [f.name for f in graded_functions(released_notebook(ASSIGNMENT))][:2]
    open_notebook(browser, lab, notebook_copy(root, "japanese.ipynb", fill=[solved], japanese=True))
    assert run_cell(browser, browser.evaluate("courseFind('import sys')")) == ""
    for function, passes in [(solved, True), (unsolved, False)]:
        cell = browser.evaluate(f"courseFind('def {function}(')")
        assert run_cell(browser, cell) == ""
        output = run_cell(browser, cell + 1)  # its test cell
        if passes:
            assert output.strip().startswith(CHECK_MARK) and function in output, output
        else:
            assert "CheckFailed" in output and function in output, output
        assert JAPANESE.search(output), output
    browser.screenshot(SCREENSHOTS / "06_japanese_notebook.png")
    assert_only_local_requests(browser, lab)


def test_validate_passes_a_completed_notebook(lab, browser):
    _, root = lab
    open_notebook(browser, lab, notebook_copy(root, "completed.ipynb", fill=solution_sources(ASSIGNMENT)))
    title, body = validate(browser)
    browser.screenshot(SCREENSHOTS / "03_validate_completed.png")
    close_dialog(browser)
    assert "Success! Your notebook passes all the tests." in body, (title, body)
    assert_only_local_requests(browser, lab)


def test_validate_names_the_failing_cells_of_the_stub(lab, browser):
    _, root = lab
    open_notebook(browser, lab, notebook_copy(root, "stub.ipynb"))
    title, body = validate(browser)
    browser.screenshot(SCREENSHOTS / "04_validate_stub.png")
    close_dialog(browser)
    assert title == "Validation Results" and "Success" not in body, (title, body)
    functions = [f.name for f in graded_functions(released_notebook(ASSIGNMENT))]
    # One "The following cell failed:" block per test cell: its source, which names its function, and its error.
    blocks = body.split("The following cell failed:")[1:]
    assert len(blocks) == len(functions), body
    for function, block in zip(functions, blocks):
        assert f'checking("{function}")' in block and "CheckFailed" in block, (function, block)
    assert_only_local_requests(browser, lab)


def test_without_the_course_package_the_first_cell_says_what_to_install(lab, browser):
    _, root = lab
    open_notebook(browser, lab, notebook_copy(root, "no_kit.ipynb", kernel="no-kit"))
    setup = browser.evaluate("courseFind('import sys')")
    output = run_cell(browser, setup)
    browser.screenshot(SCREENSHOTS / "05_without_the_kit.png")
    lines = output.strip().splitlines()
    assert len(lines) == 2, output  # one line in English, one in Japanese: no traceback
    assert lines[0].startswith("This notebook needs the course's learner kit: ") and "pip install" in lines[0]
    assert lines[1].startswith("このノートブックにはコースの学習者キットが必要である。") and "pip install" in lines[1]
    assert "Traceback" not in output and "LearnerKitMissing" not in output
    assert_only_local_requests(browser, lab)
