"""The gradebook in a real PostgreSQL server, written by parallel workers.

The test starts its own server (Debian's postgresql package, installed by `make`) in a
temporary folder, on a free port of 127.0.0.1, as the postgres user, and stops it after.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile

import nbformat
import pytest

from autograder.assignments import released_notebook, source_notebook
from autograder.assignments import COURSE_ID
from conftest import grade_submissions

pytestmark = pytest.mark.sandbox   # it grades through the command line, which grades in the sandbox


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    if os.geteuid() != 0:
        pytest.skip("starting a PostgreSQL server as the postgres user needs root")
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert binaries, "PostgreSQL is not installed: `make system-packages` (as root; `make test` runs it) installs Debian's postgresql package"
    bin_dir = os.path.dirname(binaries[-1])
    folder = tempfile.mkdtemp(prefix="course-postgres-")
    shutil.chown(folder, "postgres", "postgres")
    data, port = os.path.join(folder, "data"), free_port()

    def as_postgres(*command):
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True, text=True)

    as_postgres(f"{bin_dir}/initdb", "-D", data, "-A", "trust", "-U", "grader")
    as_postgres(f"{bin_dir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(folder, "server.log"), "-o",
                f"-h 127.0.0.1 -p {port} -k {folder}", "start")
    try:
        as_postgres(f"{bin_dir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "grader", "gradebook")
        yield f"postgresql://grader@127.0.0.1:{port}/gradebook"
    finally:
        as_postgres(f"{bin_dir}/pg_ctl", "-D", data, "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def test_parallel_workers_write_the_gradebook_in_postgresql(postgres_url, tmp_path):
    from nbgrader.api import Gradebook

    full = nbformat.read(str(source_notebook("rnn")), as_version=4)
    stub = nbformat.read(str(released_notebook("rnn")), as_version=4)
    submissions = {f"learner{i}": (full if i % 2 == 0 else stub) for i in range(6)}
    _, rows, _ = grade_submissions("rnn", submissions, tmp_path, jobs=3, extra_args=["--db", postgres_url])
    expected = {f"learner{i}": 10.0 if i % 2 == 0 else 0.0 for i in range(6)}
    assert {student: float(row["score"]) for student, row in rows.items()} == expected
    with Gradebook(postgres_url, course_id=COURSE_ID) as gradebook:  # the scores really are in PostgreSQL
        assert {s.student.id: s.score for s in gradebook.assignment_submissions("rnn")} == expected
