"""nbgrader preprocessors that the course adds to autograding."""

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor


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
