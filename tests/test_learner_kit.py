"""The learner's kit (kit/pyproject.toml, built by `make dist`): one wheel for a learner's own Python.

- the wheel holds the gatedrnn package and its data, not the grader and not gatedrnn.worked
  (the course's own implementations of what the exercises ask for): no module of it defines a
  function or class of a graded name, and it holds no line of any solution or hidden test;
- it requires exactly what the released notebooks and gatedrnn import, pinned to the
  versions of constraints.txt, and none of the maintainer's tools;
- in a fresh virtual environment with only ipykernel, a released notebook stops in its first
  cell with one line that says what to install; after `pip install` of the wheel alone (pip
  fetches its dependencies as it would for a learner), completed notebooks pass every
  visible test, and `nbgrader validate` (what the notebooks' self-check line names) passes one.
"""

import ast
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from autograder.assignments import (REPO, assignment_names, graded_functions, hidden_test_lines, nbgrader_meta,
                                    released_notebook, solution_lines, source_notebook)
from autograder.ja_notebooks import japanese_notebook_path
from autograder.units import load_unit
from conftest import completed_release, run

KIT = tomllib.loads((REPO / "kit" / "pyproject.toml").read_text())["project"]
WHEEL_NAME = f"{KIT['name'].replace('-', '_')}-{KIT['version']}-py3-none-any.whl"
MAINTAINER_TOOLS = {"jupyter-book", "pytest", "psycopg", "psycopg-binary", "sphinx", "jupytext", "gated-rnn-course"}
MISSING_KIT = "This notebook needs the course's learner kit: "
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana and kanji
MISSING_KIT_JA = "このノートブックにはコースの学習者キットが必要である。"
CHECK_MARK = "\u2713"


def canonical(name):
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lines):
    """{canonical name: version} of the `name==version` lines among lines."""
    found = {}
    for line in lines:
        match = re.match(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;#]+)", line.strip())
        if match:
            found[canonical(match[1].split("[")[0])] = match[2]
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel `make dist` builds (into a temporary folder instead of _build/dist)."""
    dist = tmp_path_factory.mktemp("dist")
    run(["make", "--no-print-directory", "dist", f"KIT_DIST={dist}"])
    wheels = list(dist.glob("*.whl"))
    assert [w.name for w in wheels] == [WHEEL_NAME]
    return wheels[0]


def wheel_files(wheel):
    with zipfile.ZipFile(wheel) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_wheel_holds_gatedrnn_and_not_the_grader(wheel):
    names = set(wheel_files(wheel))
    files = {str(p.relative_to(REPO)) for p in (REPO / "gatedrnn").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts}
    worked = {name for name in files if name.startswith("gatedrnn/worked/")}
    shipped = files - worked
    assert worked and shipped and shipped <= names, sorted(shipped - names)
    assert not {name for name in names if name.startswith("gatedrnn/worked/")}  # the exercises' implementations
    tops = {name.split("/")[0] for name in names}
    assert tops == {"gatedrnn", f"{KIT['name'].replace('-', '_')}-{KIT['version']}.dist-info",
                    f"{KIT['name'].replace('-', '_')}-{KIT['version']}.data"}, tops


def defined_names(source):
    """The names of every function and class that Python source defines, at any depth."""
    return {node.name for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}


def test_no_module_of_the_wheel_defines_a_graded_function(wheel):
    graded = {function: name for name in assignment_names() for function in load_unit(name).signatures}
    assert {"make_windows", "embedding_forward", "train_char_lm", "gru_backward", "GRU"} <= set(graded)
    modules = {path: data for path, data in wheel_files(wheel).items() if path.endswith(".py")}
    assert "gatedrnn/forecasting.py" in modules and "gatedrnn/char_lm.py" in modules  # the kit's parts of both
    defined = {path: defined_names(data.decode()) for path, data in modules.items()}
    assert any("init_params" in names for names in defined.values())  # the search sees definitions
    found = sorted(f"{path} defines {function} (graded in {graded[function]})"
                   for path, names in defined.items() for function in names & set(graded))
    assert not found, "\n".join(found)


@pytest.mark.parametrize("name", assignment_names())
def test_wheel_holds_no_solution_and_no_hidden_test(wheel, name):
    secret = solution_lines(source_notebook(name)) + hidden_test_lines(source_notebook(name))
    assert len(secret) > 10  # the search has something to look for
    leaks = []
    for path, data in wheel_files(wheel).items():
        flat = " ".join(data.decode("utf-8", errors="replace").split())
        leaks += [f"{path}: {line}" for line in secret if " ".join(line.split()) in flat]
    assert not leaks, "\n".join(leaks)


def top_level_imports(source):
    """The top-level modules that Python source imports (absolute imports only)."""
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.add(node.module.split(".")[0])
    return modules


def test_requirements_are_what_the_notebooks_import_pinned_as_the_lock(wheel):
    metadata = wheel_files(wheel)[f"{KIT['name'].replace('-', '_')}-{KIT['version']}.dist-info/METADATA"].decode()
    required = pins(line.removeprefix("Requires-Dist:") for line in metadata.splitlines()
                    if line.startswith("Requires-Dist:"))
    assert len(required) == len(KIT["dependencies"])  # every requirement is a == pin
    locked = pins((REPO / "constraints.txt").read_text().splitlines())
    assert {name: locked.get(name) for name in required} == required
    assert not set(required) & MAINTAINER_TOOLS
    # What the released notebooks and gatedrnn import comes from the standard library, gatedrnn
    # or a direct requirement of the kit.
    sources = [cell.source for name in assignment_names()
               for cell in nbformat.read(str(released_notebook(name)), as_version=4).cells if cell.cell_type == "code"]
    sources += [p.read_text() for p in (REPO / "gatedrnn").rglob("*.py")]
    imported = set().union(*map(top_level_imports, sources)) - set(sys.stdlib_module_names) - {"gatedrnn"}
    providers = {module: {canonical(d) for d in packages_distributions().get(module, [])} for module in imported}
    assert {"numpy", "torch", "matplotlib"} <= imported
    assert all(providers[module] & set(required) for module in imported), providers


@pytest.mark.book
def test_every_exercise_page_offers_the_wheel_and_says_how_to_use_it(wheel):
    html = REPO / "_build" / "html"
    pages = sorted(REPO.glob("chapters/*/*_exercises.md"))
    assert pages
    fresh = wheel_files(wheel)
    for source in pages:
        page = html / source.relative_to(REPO).with_suffix(".html")
        soup = BeautifulSoup(page.read_text(), "html.parser")
        downloads = [a["href"] for a in soup.select("a.download")]
        offered = [(page.parent / href).resolve() for href in downloads if href.endswith("/" + WHEEL_NAME)]
        assert len(offered) == 1 and offered[0].is_relative_to(html / "_downloads"), (page, downloads)
        # The wheel the book offers is the current kit: the same files, gatedrnn's as in the repository.
        files = wheel_files(offered[0])
        assert set(files) == set(fresh) and all(files[n] == fresh[n] for n in fresh if n.startswith("gatedrnn/"))
        notebooks = [Path(href).name for href in downloads if href.endswith(".ipynb")]
        assert len(notebooks) == 1, (page, downloads)
        blocks = [pre.get_text() for pre in soup.select("pre")]
        assert f"pip install {WHEEL_NAME}\njupyter lab {notebooks[0]}\n" in blocks, (page, blocks)


# -- a learner's fresh environment ---------------------------------------------------------------

class LearnerEnvironment:
    """A virtual environment made from the base Python, with a kernel spec for it."""

    def __init__(self, folder):
        self.folder = folder
        self.python = folder / "venv" / "bin" / "python"
        run([sys.executable, "-m", "venv", str(folder / "venv")])
        kernel = folder / "kernels" / "learner"
        kernel.mkdir(parents=True)
        (kernel / "kernel.json").write_text(json.dumps({
            "argv": [str(self.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "learner", "language": "python"}))

    def pip_install(self, *args):
        started = time.monotonic()
        run([str(self.python), "-m", "pip", "install", "--quiet", *args], cwd=self.folder)
        return time.monotonic() - started

    def execute(self, notebook):
        """Run a copy of notebook in this environment's kernel, in a folder of its own (not the
        repository, whose gatedrnn/ the kernel would otherwise import); the executed copy."""
        notebook = copy.deepcopy(notebook)
        work = self.folder / "work"
        work.mkdir(exist_ok=True)
        manager = KernelManager(kernel_name="learner",
                                kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(self.folder / "kernels")]))
        client = NotebookClient(notebook, km=manager, timeout=600, resources={"metadata": {"path": str(work)}})
        try:
            client.execute()
        except CellExecutionError:
            pass  # the outputs say what happened
        return notebook


@pytest.fixture(scope="module")
def learner(tmp_path_factory):
    return LearnerEnvironment(tmp_path_factory.mktemp("learner"))


def test_without_the_kit_the_first_cell_says_what_to_install(learner):
    learner.pip_install("ipykernel", "-c", str(REPO / "constraints.txt"))  # a bare Jupyter kernel
    for name in assignment_names():
        executed = learner.execute(nbformat.read(str(released_notebook(name)), as_version=4))
        code = [cell for cell in executed.cells if cell.cell_type == "code"]
        errors = [output for output in code[0].outputs if output.output_type == "error"]
        assert len(errors) == 1 and not [o for o in code[0].outputs if o.output_type != "error"], code[0].outputs
        assert errors[0].traceback == [errors[0].evalue]  # the message, no traceback
        english, japanese = errors[0].evalue.split("\n")  # one line in each language of the course
        assert english.startswith(MISSING_KIT) and english.endswith("then restart the kernel."), english
        assert japanese.startswith(MISSING_KIT_JA) and japanese.endswith("カーネルを再起動すること。"), japanese
        assert all(f"`{learner.python} -m pip install {WHEEL_NAME}`" in line for line in (english, japanese))
        assert all(cell.execution_count is None for cell in code[1:])  # the notebook stopped there


@pytest.fixture(scope="module")
def installed(learner, wheel):
    """The learner environment after `pip install` of the wheel alone (after the test above)."""
    seconds = learner.pip_install(str(wheel))
    print(f"\n{wheel.name}: {wheel.stat().st_size / 1e6:.2f} MB; pip install with its dependencies took {seconds:.0f} s")
    return learner


def test_the_kit_hides_nbgraders_instructor_panels(installed):
    process = run([str(installed.python.parent / "jupyter"), "labextension", "list"])
    listed = process.stdout + process.stderr  # it lists on stderr
    disabled = listed.split("Disabled extensions:")[1].split()
    assert disabled == ["@jupyter/nbgrader:course-list", "@jupyter/nbgrader:create-assignment",
                        "@jupyter/nbgrader:formgrader"], listed
    assert "@jupyter/nbgrader v0.9.6" in listed  # the rest, Validate included, stays on


def test_the_wheel_alone_makes_completed_notebooks_pass(installed):
    learner = installed
    listed = run([str(learner.python), "-m", "pip", "list", "--format=freeze"]).stdout.splitlines()
    installed = pins(listed)
    assert not set(installed) & MAINTAINER_TOOLS, set(installed) & MAINTAINER_TOOLS
    assert installed["torch"].split("+")[0] == kit_pin("torch")
    for name in assignment_names():
        executed = learner.execute(completed_release(name))
        tests = [cell for cell in executed.cells if nbgrader_meta(cell).get("grade")]
        assert tests, name
        for cell in tests:
            errors = [o for o in cell.outputs if o.output_type == "error"]
            printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            assert not errors and CHECK_MARK in printed, (name, nbgrader_meta(cell)["grade_id"], errors, printed)
    # The self-check the notebooks name for the kit: nbgrader validate, in the learner's environment.
    work = learner.folder / "work"
    nbformat.write(completed_release("rnn"), str(work / "rnn.ipynb"))
    env = {**os.environ, "PATH": f"{learner.python.parent}{os.pathsep}/usr/bin:/bin"}  # not the course's .venv
    validated = subprocess.run([str(learner.python.parent / "nbgrader"), "validate", "rnn.ipynb"], cwd=work, env=env,
                               capture_output=True, text=True, timeout=600)
    assert "Success! Your notebook passes all the tests." in validated.stdout, validated.stdout + validated.stderr
    # Validate speaks the notebook's language (kit/nbgrader_config.py): each failure of the Japanese
    # stub is explained in Japanese, the English stub's in English.
    for language, stub in [("en", released_notebook("rnn")), ("ja", japanese_notebook_path("rnn"))]:
        shutil.copy(stub, work / "rnn.ipynb")
        validated = subprocess.run([str(learner.python.parent / "nbgrader"), "validate", "rnn.ipynb"], cwd=work,
                                   env=env, capture_output=True, text=True, timeout=600)
        failures = [line for line in validated.stdout.splitlines() if line.strip().startswith("CheckFailed: ")]
        assert len(failures) == len(graded_functions(stub)), validated.stdout + validated.stderr
        assert all(bool(JAPANESE.search(line)) == (language == "ja") for line in failures), failures


def kit_pin(name):
    """The version the kit pins for a distribution."""
    return pins(KIT["dependencies"])[canonical(name)]
