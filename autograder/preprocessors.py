"""nbgrader preprocessors that the course adds to autograding."""

import nbformat
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor

from .assignments import assignment_names, graded_functions, source_notebook
from .events import EVENTS
from .independent_check import NOT_CHECKED
from .messages import N_, notebook_language, reworded, speaking, tr
from .outcomes import PARTIAL_MARK, failure_reason, partial_note, tested_function
from .units import load_unit


class StderrIsNotFailure(NbGraderPreprocessor):
    """Let a passing test cell keep its points when it wrote to stderr.

    nbgrader scores a test cell that has any stderr output as zero. Correct code can
    write there: NumPy's "overflow encountered in exp" from a naive sigmoid, a
    DeprecationWarning, a learner's debugging print to sys.stderr. Here a test cell
    fails only by raising. Runs after Execute: the stderr streams of graded cells are
    relabelled as stdout, so the feedback still shows the text.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and utils.is_grade(cell):
            for output in cell.outputs:
                if output.output_type == "stream" and output.name == "stderr":
                    output.name = "stdout"
        return cell, resources


class FunctionSummary(NbGraderPreprocessor):
    """Put a table at the top of the feedback: each function, its points, passed or why not.

    Runs in generate_feedback after GetGrades, which stores each test cell's score in its
    metadata. The learner sees the verdict first, then the notebook with the outputs.
    """

    def preprocess(self, nb, resources):
        with speaking(notebook_language(nb.metadata)):  # the learner's page, in the notebook's language
            table = self.table(nb, resources.get("nbgrader", {}).get("assignment"))
        if table:
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(table))
        return nb, resources

    def table(self, nb, assignment):
        """The results table (Markdown) in the current language, or '' for a notebook without test cells."""
        rows = []
        present = {tested_function(cell) for cell in nb.cells}
        expected = graded_functions(source_notebook(assignment)) if assignment in assignment_names() else []
        for function in expected:
            if function.name not in present:  # nbgrader scores a deleted test cell as zero
                rows.append(f"| `{function.name}` | 0 / {function.points:g} | \u2717 " + tr(
                    "its test cell was deleted from your notebook, so it could not run") + " |")
        for cell in nb.cells:
            function = tested_function(cell)
            if function is None:
                continue
            meta = cell.metadata.nbgrader
            reason = failure_reason(cell)
            verdict = "\u2713 " + tr("passed") if not reason else "\u2717 " + reason
            if not reason and meta.get("score", 0) < meta.get("points", 0) and partial_note(cell):
                verdict = f"{PARTIAL_MARK} " + tr("partly: {note}", note=partial_note(cell))
            rows.append(f"| `{function}` | {meta.get('score', 0):g} / {meta.get('points', 0):g} | "
                        f"{_table_cell(verdict)} |")
        if not rows:
            return ""
        kind = tr.shown(KIND_WORDS[load_unit(assignment).kind if assignment in assignment_names() else "function"])
        return "\n".join([
            tr("## Your results, {kind} by {kind}", kind=kind), "",
            tr("| {kind} | points | result |", kind=kind), "|---|---|---|", *rows, "",
            tr("A {kind} that uses another one (a sequence calling its step, a backward test calling your forward "
               "for its cache, a forecast using your trained model) fails along with it: fix the first failure first.",
               kind=kind),
            *unchecked_notes(nb),
        ])


#: What the table calls a graded part, by the unit's KIND (autograder.units.KINDS).
KIND_WORDS = {"function": N_("function"), "class": N_("class")}


def unchecked_notes(nb):
    """A warning for the feedback where the check outside the notebook could not run (never silently),
    in the current language."""
    prefix = NOT_CHECKED.split("{")[0]
    events = nb.metadata.get("autograder", {}).get("events", [])
    return ["\n" + tr("**Warning:** {event}.", event=reworded(event, EVENTS))
            for event in events if event.startswith(prefix)]


def _table_cell(text):
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
