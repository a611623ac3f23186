"""The course's grading code, on top of nbgrader.

    python -m autograder grade ASSIGNMENT SUBMITTED_DIR [--out DIR] [--db URL] [--jobs N]
    python -m autograder check NOTEBOOK

Modules:
    assignments     -- where the assignments live and which functions each one grades
    nbgrader_config -- the course's nbgrader settings (the root nbgrader_config.py loads it)
    preprocessors   -- nbgrader preprocessors the course adds
    grading         -- grading a whole class into grades.csv and feedback
    worker          -- one long-lived process per parallel job, running nbgrader in-process
    sandbox         -- each job's bubblewrap sandbox (runner, zygote, relay and limits run in it)
    verify, probe   -- the independent check, outside the learner's kernel
    startup         -- start-up cost the grading processes skip
    outcomes        -- what an executed test cell says: passed, or failed and why
    selfcheck       -- a learner's self-check of one notebook
    cli             -- the command line
"""
