# Sourced by the other scripts: the pinned book tools, installed from
# crates.io only when the right version is not already on PATH.
# They go into $LOCKBOOK_TOOLS (default ~/.cache/lockbook-tools), so an mdBook
# of another version that you have installed yourself is left alone.

MDBOOK_VERSION=0.5.4
LINKCHECK2_VERSION=0.13.0
# The quizzes at the end of each chapter (book.toml [preprocessor.quiz]).
QUIZ_VERSION=0.5.0

LOCKBOOK_TOOLS=${LOCKBOOK_TOOLS:-$HOME/.cache/lockbook-tools}
export PATH="$LOCKBOOK_TOOLS/bin:$PATH"

# need_tool NAME VERSION: make sure `NAME --version` reports VERSION.
need_tool() {
  local name=$1 version=$2
  if command -v "$name" >/dev/null 2>&1 &&
    "$name" --version 2>/dev/null | grep -Eq "^$name v?${version//./\\.}\$"; then
    return 0
  fi
  echo "Installing $name $version from crates.io into $LOCKBOOK_TOOLS" \
    "(takes a few minutes, once)..." >&2
  cargo install --locked --quiet --root "$LOCKBOOK_TOOLS" \
    --version "$version" "$name"
}
