#!/usr/bin/env bash
# Set up the hih_mmpose environment on a fresh machine, or reuse what an
# earlier run left in the cache.
#
# Default: the pinned OpenMMLab stack (torch, mmengine, mmcv with compiled
# ops, mmdet, mmpose) lives in a shared environment in the cache, keyed by the
# Python version and a hash of requirements/*.txt and this script; the repo's
# own `.venv` is a light virtual environment that sees that stack and holds an
# editable install of hih_mmpose. The mmcv wheel is built once per Python and
# torch version and kept in the cache.
#
# Environment variables:
#   HIH_MMPOSE_CACHE  cache folder (default: ~/.cache/hih_mmpose)
#   HIH_BASE_PYTHON   interpreter that creates the environments (default: python3)
#   HIH_PYTHON        install into this interpreter's environment instead of
#                     creating one, keeping the torch it already has (e.g. a
#                     CUDA build); mmcv is then built against that torch
#   MAX_JOBS          parallel compile jobs for mmcv (default: number of cores)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${HIH_MMPOSE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hih_mmpose}
BASE_PYTHON=${HIH_BASE_PYTHON:-python3}
MMCV_VERSION=2.1.0
MMPOSE_VERSION=1.3.2
STACK_REVISION=1  # bump when install_stack changes, to rebuild cached stacks
REQ=$ROOT/requirements
export PIP_DISABLE_PIP_VERSION_CHECK=1

log() { printf '[setup_env %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf '[setup_env] error: %s\n' "$*" >&2; exit 1; }

pip_install() {  # pip_install PYTHON ARGS...
  local py=$1; shift
  # (drops pip's warnings about missing entries in local package indexes)
  "$py" -m pip install --progress-bar off -q "$@" \
    2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
}

# Build (once) and install mmcv with compiled ops for the torch of $1.
install_mmcv() {
  local py=$1 key wheel_dir wheel tmp pid start
  if "$py" -c "import mmcv, mmcv._ext; assert mmcv.__version__ == '$MMCV_VERSION'" \
      2>/dev/null; then
    log "mmcv $MMCV_VERSION with ops already installed"
    return
  fi
  key=$("$py" -c "
import os, sys, torch
cuda = torch.cuda.is_available() or os.environ.get('FORCE_CUDA') == '1'
print(f'cp{sys.version_info[0]}{sys.version_info[1]}-torch{torch.__version__}'
      f'-{\"cuda\" if cuda else \"cpu\"}')")
  wheel_dir=$CACHE/wheels/mmcv-$MMCV_VERSION/$key
  wheel=$(ls "$wheel_dir"/mmcv-*.whl 2>/dev/null | head -n 1 || true)
  if [ -z "$wheel" ]; then
    tmp=$(mktemp -d)
    log "building mmcv $MMCV_VERSION with ops for $key (once per machine;" \
        "10-25 min on 2 cores; log: $tmp/build.log)"
    "$py" -m pip download -q --no-deps --no-binary mmcv --no-build-isolation \
      -d "$tmp" "mmcv==$MMCV_VERSION" >"$tmp/download.log" 2>&1 \
      || { cat "$tmp/download.log"; die "could not download the mmcv sdist"; }
    tar -xzf "$tmp"/mmcv-$MMCV_VERSION.tar.gz -C "$tmp"
    # torch >= 2.14 headers need C++20, mmcv's setup.py hard-codes -std=c++17.
    if grep -rqs "C++20 or later" "$("$py" -c \
        'import os, torch; print(os.path.dirname(torch.__file__))')/include/ATen"; then
      sed -i 's/-std=c++17/-std=c++20/g' "$tmp/mmcv-$MMCV_VERSION/setup.py"
      log "patched mmcv's setup.py to C++20 for this torch"
    fi
    start=$(date +%s)
    ( cd "$tmp/mmcv-$MMCV_VERSION" && MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-$(nproc)} \
        "$py" -m pip wheel -v --no-deps --no-build-isolation --no-cache-dir \
        -w "$tmp/dist" . >"$tmp/build.log" 2>&1 ) &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      sleep 60
      kill -0 "$pid" 2>/dev/null && log "  mmcv build: $(( ($(date +%s) - start) / 60 )) min," \
        "$(find "$tmp/mmcv-$MMCV_VERSION" -name '*.o' 2>/dev/null | wc -l) objects compiled"
    done
    wait "$pid" || { tail -n 40 "$tmp/build.log"; die "mmcv build failed (log: $tmp/build.log)"; }
    mkdir -p "$wheel_dir"
    wheel=$(ls "$tmp"/dist/mmcv-*.whl)
    cp "$wheel" "$wheel_dir/.tmp.whl" && mv "$wheel_dir/.tmp.whl" "$wheel_dir/$(basename "$wheel")"
    wheel=$wheel_dir/$(basename "$wheel")
    log "mmcv built in $(( ($(date +%s) - start) / 60 )) min, cached at $wheel"
    rm -rf "$tmp"
  else
    log "using cached mmcv wheel $wheel"
  fi
  pip_install "$py" --no-deps --force-reinstall "$wheel"
  pip_install "$py" addict packaging pyyaml yapf  # mmcv's own runtime deps
}

# Install the whole pinned stack into the environment of interpreter $1.
install_stack() {
  local py=$1
  if "$py" -c 'import torch' 2>/dev/null; then
    log "keeping the installed torch $("$py" -c 'import torch; print(torch.__version__)')"
  else
    log "installing torch and torchvision"
    pip_install "$py" -r "$REQ/torch.txt"
  fi
  log "installing build tools and the OpenMMLab stack"
  pip_install "$py" -r "$REQ/build.txt"
  pip_install "$py" -r "$REQ/runtime.txt" -r "$REQ/tests.txt"
  install_mmcv "$py"
  pip_install "$py" --no-deps "mmpose==$MMPOSE_VERSION"
  pip_install "$py" --no-deps -r "$REQ/detector.txt"
  log "checking the stack"
  "$py" - <<'PY'
import mmcv, mmdet, mmengine, mmpose, torch
import mmdet.apis, mmpose.apis, mmpose.models  # noqa: F401
from mmcv.ops import nms  # noqa: F401
from mediapipe.python.solutions import face_detection  # noqa: F401
print(f'torch {torch.__version__}, mmengine {mmengine.__version__}, '
      f'mmcv {mmcv.__version__}, mmdet {mmdet.__version__}, '
      f'mmpose {mmpose.__version__}')
PY
}

install_project() {  # install_project PYTHON
  log "installing hih_mmpose (editable) from $ROOT"
  (cd "$ROOT" && pip_install "$1" --no-deps --no-build-isolation -e .)
}

mkdir -p "$CACHE"
if [ -n "${HIH_PYTHON:-}" ]; then
  command -v "$HIH_PYTHON" >/dev/null || die "HIH_PYTHON=$HIH_PYTHON is not an interpreter"
  install_stack "$HIH_PYTHON"
  install_project "$HIH_PYTHON"
  log "done: use $HIH_PYTHON"
  exit 0
fi

command -v "$BASE_PYTHON" >/dev/null || die "$BASE_PYTHON not found (set HIH_BASE_PYTHON)"
pyver=$("$BASE_PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
# (the files the stack installs; requirements/standalone.txt is the
# runtime's own environment, which the stack does not use)
stack_hash=$( (cat "$REQ"/{build,detector,runtime,tests,torch}.txt
  echo "$MMCV_VERSION $MMPOSE_VERSION $STACK_REVISION") \
  | sha256sum | cut -c1-12)
STACK=$CACHE/envs/py$pyver-$stack_hash

exec 9>"$CACHE/.lock"
flock 9  # one set-up at a time per cache
if [ ! -f "$STACK/.complete" ]; then
  log "creating the shared stack environment $STACK"
  rm -rf "$STACK"
  "$BASE_PYTHON" -m venv "$STACK"
  pip_install "$STACK/bin/python" 'pip>=23'
  install_stack "$STACK/bin/python"
  touch "$STACK/.complete"
else
  log "reusing the shared stack environment $STACK"
fi
flock -u 9

VENV=$ROOT/.venv
site=$("$STACK/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
if [ ! -f "$VENV/.hih_stack" ] || [ "$(cat "$VENV/.hih_stack")" != "$STACK" ]; then
  log "creating $VENV on top of the stack"
  rm -rf "$VENV"
  "$BASE_PYTHON" -m venv --without-pip "$VENV"
  venv_site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  # addsitedir (not a plain path) so the stack's own .pth files are honoured.
  echo "import site; site.addsitedir('$site')" >"$venv_site/_hih_mmpose_stack.pth"
  echo "$STACK" >"$VENV/.hih_stack"
fi
install_project "$VENV/bin/python"
log "done: use $VENV/bin/python"
