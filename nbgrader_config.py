# nbgrader reads this file from the course root (this directory). The course's settings
# live with the grading code, in autograder/nbgrader_config.py.
load_subconfig("autograder/nbgrader_config.py")  # noqa: F821 -- provided by traitlets
