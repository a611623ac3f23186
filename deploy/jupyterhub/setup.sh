#!/usr/bin/env bash
# Set up the course's class hub on a Debian machine, as root:
#
#   deploy/jupyterhub/setup.sh install      packages, the hub's environment, the grading helper's
#   deploy/jupyterhub/setup.sh configure    accounts' groups, the instructor's course folder, the
#                                           exchange, the configuration, the grading route (sudo)
#   deploy/jupyterhub/setup.sh              both
#
# Then start the hub with:  deploy/jupyterhub/setup.sh start   (or a systemd unit that runs it).
#
# Settings (environment variables, with their defaults):
#   HUB_PREFIX=/opt/gated-rnn-hub          the hub's environment (JupyterHub, JupyterLab, nbgrader, the learner kit)
#   HUB_CONFIG=/etc/gated-rnn-hub          configuration: jupyterhub_config.py, nbgrader_config.py, hub.env, grade.json
#   HUB_STATE=/srv/gated-rnn-hub           the hub's database and cookie secret (root only)
#   EXCHANGE=/srv/nbgrader/exchange        nbgrader's exchange (mode 1777)
#   INSTRUCTOR=instructor                  the instructor's local account (made if missing, no password:
#                                          set one with passwd)
#   COURSE_DIR=/home/$INSTRUCTOR/course    the instructor's nbgrader course folder
#   HUB_BIND=http://127.0.0.1:8000         where the hub listens
#   HUB_PORT=8081  PROXY_API_PORT=8001     the hub's and its proxy's own ports (127.0.0.1 only)
#   GRADE_BIN=/usr/local/sbin/gated-rnn-grade
#   SUDOERS_FILE=/etc/sudoers.d/gated-rnn-grade
#   LEARNERS_GROUP=gated-rnn-learners  INSTRUCTORS_GROUP=gated-rnn-instructors
# Learners are local accounts in LEARNERS_GROUP:  useradd -m -G gated-rnn-learners NAME && passwd NAME
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$REPO/deploy/jupyterhub
HUB_PREFIX=${HUB_PREFIX:-/opt/gated-rnn-hub}
HUB_CONFIG=${HUB_CONFIG:-/etc/gated-rnn-hub}
HUB_STATE=${HUB_STATE:-/srv/gated-rnn-hub}
EXCHANGE=${EXCHANGE:-/srv/nbgrader/exchange}
INSTRUCTOR=${INSTRUCTOR:-instructor}
COURSE_DIR=${COURSE_DIR:-/home/$INSTRUCTOR/course}
HUB_BIND=${HUB_BIND:-http://127.0.0.1:8000}
HUB_PORT=${HUB_PORT:-8081}
PROXY_API_PORT=${PROXY_API_PORT:-8001}
GRADE_BIN=${GRADE_BIN:-/usr/local/sbin/gated-rnn-grade}
SUDOERS_FILE=${SUDOERS_FILE:-/etc/sudoers.d/gated-rnn-grade}
LEARNERS_GROUP=${LEARNERS_GROUP:-gated-rnn-learners}
INSTRUCTORS_GROUP=${INSTRUCTORS_GROUP:-gated-rnn-instructors}
CHP_VERSION=5.3.0                        # configurable-http-proxy, from npm
DEBIAN_PACKAGES="sudo bubblewrap patchelf python3"   # python3: the grading helper writes the gradebook with it, as the instructor
command -v npm >/dev/null || DEBIAN_PACKAGES="$DEBIAN_PACKAGES nodejs npm"   # for configurable-http-proxy

say() { echo "setup.sh: $*"; }

[ "$(id -u)" = 0 ] || { echo "setup.sh: run it as root (it makes accounts, folders and a sudoers rule)" >&2; exit 1; }

install_packages() {
  if ! dpkg -s $DEBIAN_PACKAGES >/dev/null 2>&1; then
    say "installing Debian packages: $DEBIAN_PACKAGES"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $DEBIAN_PACKAGES >/dev/null
  fi
  if [ "$(configurable-http-proxy --version 2>/dev/null)" != "$CHP_VERSION" ]; then
    say "installing configurable-http-proxy $CHP_VERSION (npm)"
    npm install --global --silent "configurable-http-proxy@$CHP_VERSION"
  fi
}

# The hub's environment must be readable by every learner, and the course's Python may live
# where only root can read it (pyenv under /root): then a copy of it goes under HUB_PREFIX.
install_environment() {
  make -C "$REPO" --no-print-directory install   # the course's own .venv: the grading helper runs it, as root
  local base python
  base=$("$REPO/.venv/bin/python" -c 'import sys; print(sys.base_prefix)')
  python=$(basename "$(readlink -f "$REPO/.venv/bin/python")")
  if runuser -u nobody -- "$base/bin/$python" -c pass 2>/dev/null; then
    HUB_PYTHON=$base/bin/$python
  else
    HUB_PYTHON=$HUB_PREFIX/python/bin/$python
    if [ ! -x "$HUB_PYTHON" ]; then
      say "copying the course's Python ($base) to $HUB_PREFIX/python, readable by every user"
      mkdir -p "$HUB_PREFIX/python"
      tar -C "$base" --exclude='./lib/python3*/site-packages/*' --exclude='./lib/python3*/test' -cf - . | tar -C "$HUB_PREFIX/python" -xf -
      patchelf --set-rpath '$ORIGIN/../lib' "$HUB_PYTHON"
    fi
  fi
  local stamp=$HUB_PREFIX/venv/.installed
  if [ ! -f "$stamp" ] || [ "$REPO/constraints.txt" -nt "$stamp" ] || [ -n "$(find "$REPO/gatedrnn" "$REPO/autograder" -newer "$stamp" -name '*.py' | head -1)" ]; then
    say "installing the hub's environment in $HUB_PREFIX/venv (pinned: requirements.txt, constraints.txt)"
    [ -x "$HUB_PREFIX/venv/bin/python" ] || "$HUB_PYTHON" -m venv "$HUB_PREFIX/venv"
    "$HUB_PREFIX/venv/bin/python" -m pip install --quiet --upgrade pip
    "$HUB_PREFIX/venv/bin/python" -m pip install --quiet -r "$REPO/requirements.txt" -c "$REPO/constraints.txt"
    # The course's packages (gatedrnn for the notebooks, autograder for the configurations), without
    # gatedrnn.worked: the course's own implementations of what graded exercises ask for are the
    # grader's, and learners run this environment (grading runs from the repository's .venv).
    "$HUB_PREFIX/venv/bin/python" -m pip install --quiet --no-deps --force-reinstall "$REPO"
    local installed  # the environment's own copy (-I: not the repository's, whatever the working folder)
    installed=$("$HUB_PREFIX/venv/bin/python" -I -c 'import gatedrnn, os; print(os.path.dirname(gatedrnn.__file__))')
    case $installed in "$HUB_PREFIX"/*) rm -rf "$installed/worked" ;; *) echo "setup.sh: gatedrnn found at $installed" >&2; exit 1 ;; esac
    "$HUB_PREFIX/venv/bin/python" -m ipykernel install --sys-prefix --name python3 --display-name "Python 3" >/dev/null
    touch "$stamp"
  fi
  # JupyterLab asks the internet for news and updates unless told not to: the hub is offline.
  install -D -m 0644 "$HERE/overrides.json" "$HUB_PREFIX/venv/share/jupyter/lab/settings/overrides.json"
  chmod -R a+rX "$HUB_PREFIX"
}

configure() {
  [ -x "$HUB_PREFIX/venv/bin/jupyterhub" ] || { echo "setup.sh: run 'setup.sh install' first" >&2; exit 1; }
  getent group "$LEARNERS_GROUP" >/dev/null || groupadd "$LEARNERS_GROUP"
  getent group "$INSTRUCTORS_GROUP" >/dev/null || groupadd "$INSTRUCTORS_GROUP"
  id "$INSTRUCTOR" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$INSTRUCTOR"
  usermod -a -G "$INSTRUCTORS_GROUP" "$INSTRUCTOR"

  # nbgrader's exchange: everyone writes, the sticky bit keeps each one's files their own.
  mkdir -p "$EXCHANGE" && chmod 1777 "$EXCHANGE"

  install -d -m 0755 "$HUB_CONFIG"
  install -m 0644 "$HERE/jupyterhub_config.py" "$HERE/nbgrader_config.py" "$HERE/jupyter_server_config.py" "$HUB_CONFIG/"
  install -D -m 0644 "$HERE/learners/labconfig/page_config.json" "$HUB_CONFIG/learners/labconfig/page_config.json"
  install -d -m 0700 "$HUB_STATE"
  cat > "$HUB_CONFIG/hub.env" <<ENV
GATED_RNN_HUB_STATE=$HUB_STATE
GATED_RNN_HUB_BIND=$HUB_BIND
GATED_RNN_HUB_PORT=$HUB_PORT
GATED_RNN_PROXY_API_PORT=$PROXY_API_PORT
GATED_RNN_HUB_CONFIG=$HUB_CONFIG
GATED_RNN_EXCHANGE=$EXCHANGE
GATED_RNN_LEARNERS_GROUP=$LEARNERS_GROUP
GATED_RNN_INSTRUCTORS_GROUP=$INSTRUCTORS_GROUP
ENV

  # The instructor's course folder: source/ holds the course's solutions (nbgrader's source notebooks).
  local home
  home=$(getent passwd "$INSTRUCTOR" | cut -d: -f6)
  runuser -u "$INSTRUCTOR" -- mkdir -p "$COURSE_DIR/source"
  tar -C "$REPO/solutions" -cf - . | runuser -u "$INSTRUCTOR" -- tar -C "$COURSE_DIR/source" -xf - --no-same-owner
  runuser -u "$INSTRUCTOR" -- tee "$COURSE_DIR/nbgrader_config.py" < "$HERE/course_nbgrader_config.py" >/dev/null
  # Formgrader starts in the instructor's home: this tells it where the course is.
  runuser -u "$INSTRUCTOR" -- mkdir -p "$home/.jupyter"
  echo "c.CourseDirectory.root = '$COURSE_DIR'" | runuser -u "$INSTRUCTOR" -- tee "$home/.jupyter/nbgrader_config.py" >/dev/null
  chmod 0700 "$home"   # the solutions: the instructor's only
  # The repository holds the solutions and hidden tests too (solutions/, the instructor edition in
  # _build/, git's history): root's only. Nobody else reads it (the hub's environment and
  # configuration are copies; the grading sandbox mounts what it needs).
  chmod 0700 "$REPO"

  # The grading route: a root-owned helper, and sudo lets the instructors run that one program.
  install -d -m 0700 "$HUB_STATE/grading"
  cat > "$HUB_CONFIG/grade.json" <<JSON
{"repo": "$REPO", "course_dir": "$COURSE_DIR", "instructor": "$INSTRUCTOR", "work_dir": "$HUB_STATE/grading"}
JSON
  chmod 0644 "$HUB_CONFIG/grade.json"
  cat > "$GRADE_BIN" <<WRAPPER
#!/bin/sh
# The class hub's grading route (deploy/jupyterhub/grade.py); instructors run it with sudo.
exec env GATED_RNN_GRADE_CONFIG=$HUB_CONFIG/grade.json $REPO/.venv/bin/python -I $HERE/grade.py "\$@"
WRAPPER
  chown root:root "$GRADE_BIN" && chmod 0755 "$GRADE_BIN"
  echo "%$INSTRUCTORS_GROUP ALL=(root) NOPASSWD: $GRADE_BIN" > "$SUDOERS_FILE.tmp"
  chmod 0440 "$SUDOERS_FILE.tmp"
  visudo -cqf "$SUDOERS_FILE.tmp" && mv "$SUDOERS_FILE.tmp" "$SUDOERS_FILE"
  say "configured: hub config in $HUB_CONFIG, course in $COURSE_DIR, exchange $EXCHANGE, grading: sudo $GRADE_BIN ASSIGNMENT"
}

start() {
  set -a && . "$HUB_CONFIG/hub.env" && set +a
  cd "$HUB_STATE"
  exec "$HUB_PREFIX/venv/bin/jupyterhub" -f "$HUB_CONFIG/jupyterhub_config.py"
}

case "${1:-all}" in
  install) install_packages; install_environment ;;
  configure) configure ;;
  all) install_packages; install_environment; configure ;;
  start) start ;;
  *) echo "usage: setup.sh [install|configure|start]" >&2; exit 2 ;;
esac
