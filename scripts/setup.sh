# Sourced by scripts/run and scripts/test: installs what forklab needs to build
# and stops with a clear message when it cannot.

forklab_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

forklab_have_libedit() {
  if command -v pkg-config >/dev/null 2>&1; then
    pkg-config --exists libedit
  else
    return 1
  fi
}

forklab_setup() {
  if ! command -v swift >/dev/null 2>&1; then
    echo "forklab: the Swift toolchain (swift 6) is needed and was not found on PATH; see https://swift.org/install" >&2
    return 1
  fi
  forklab_have_libedit && return 0

  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
  fi
  if command -v apt-get >/dev/null 2>&1; then
    echo "forklab: installing libedit-dev and pkg-config (line editing for the REPL)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! $sudo apt-get install -y -q libedit-dev pkg-config >/dev/null 2>&1; then
      $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q libedit-dev pkg-config >/dev/null
    fi
  fi
  if ! forklab_have_libedit; then
    cat >&2 <<'MSG'
forklab: libedit's development files are missing, and they could not be installed here.
Install them, then run this again:
  Debian, Ubuntu:  sudo apt-get install libedit-dev pkg-config
  Fedora, RHEL:    sudo dnf install libedit-devel pkgconf-pkg-config
  Arch:            sudo pacman -S libedit pkgconf
  Alpine:          apk add libedit-dev pkgconf
MSG
    return 1
  fi
}

# mandoc, for the test that lints the man page (docs/forklab.1): scripts/test
# installs it when missing, as it does libedit-dev; without apt-get it says
# what to install, and the test then fails saying so.
forklab_setup_mandoc() {
  command -v mandoc >/dev/null 2>&1 && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
  if command -v apt-get >/dev/null 2>&1; then
    echo "forklab: installing mandoc (the man page's lint, for the tests)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! $sudo apt-get install -y -q -o DPkg::Lock::Timeout=300 mandoc >/dev/null 2>&1; then
      $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q -o DPkg::Lock::Timeout=300 mandoc >/dev/null || true
    fi
  fi
  command -v mandoc >/dev/null 2>&1 ||
    echo "forklab: mandoc is missing and could not be installed here; the man-page test will fail (Debian, Ubuntu: sudo apt-get install mandoc)" >&2
  return 0
}

# Headless Chromium, for the tests that open saved pages (save FILE.html):
# Debian's `chromium`, without its recommends (about 1 minute from a
# Debian mirror). FORKLAB_CHROMIUM names another binary instead.
forklab_have_chromium() {
  [ -n "${FORKLAB_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
}

forklab_setup_browser() {
  forklab_have_chromium && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo="sudo"; fi
  if command -v apt-get >/dev/null 2>&1; then
    echo "forklab: installing chromium (headless, for the tests of saved pages)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    local packages="chromium fonts-dejavu-core"
    if ! $sudo apt-get install -y -q --no-install-recommends $packages >/dev/null 2>&1; then
      $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q --no-install-recommends $packages >/dev/null
    fi
  fi
  if ! forklab_have_chromium; then
    cat >&2 <<'MSG'
forklab: the tests open saved pages in headless Chromium, which is missing and could not be installed here.
Install it, or name a Chromium or Chrome binary in FORKLAB_CHROMIUM, then run this again:
  Debian, Ubuntu:  sudo apt-get install chromium   (Ubuntu: chromium-browser)
  Fedora, RHEL:    sudo dnf install chromium
MSG
    return 1
  fi
}
