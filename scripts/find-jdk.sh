# Sourced by ./capstan, ./run-tests and .ci/run: finds a JDK >= MIN_JAVA (default 21).
# Looks at CAPSTAN_JAVA, JAVA_HOME, java on PATH, then /usr/lib/jvm/* (newest first).
# Sets JAVA (the java binary), JAVA_FEATURE (21, 25, ...) and JAVA_HOME_FOUND, or exits 1 with
# a message naming what it looked at.

MIN_JAVA="${MIN_JAVA:-21}"

# Sets FEATURE to the feature version (21, 25, ...) of a java binary and REAL_HOME to its JDK,
# reading the JDK's release file when there is one (no JVM start needed), else asking the JVM.
# Uses variables, not output: every subshell and fork here costs each command milliseconds.
java_feature() {
  local bin version="" line
  bin="$(readlink -f "$1")"
  REAL_HOME="${bin%/*}"
  REAL_HOME="${REAL_HOME%/*}"
  if [ -r "$REAL_HOME/release" ]; then
    while IFS= read -r line; do
      case "$line" in
        JAVA_VERSION=*)
          version="${line#JAVA_VERSION=\"}"
          version="${version%%[!0-9]*}"
          break
          ;;
      esac
    done <"$REAL_HOME/release"
    if [ "$version" = "1" ]; then version=8; fi
  else
    version="$("$bin" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = \([0-9.]*\).*/\1/p')"
    version="${version#1.}"
  fi
  FEATURE="${version:-0}"
}

# Tries one candidate; on success sets JAVA, JAVA_FEATURE and JAVA_HOME_FOUND and returns 0.
try_java() {
  local bin="$1"
  [ -x "$bin" ] || return 1
  java_feature "$bin"
  JDK_SEEN="$JDK_SEEN $bin($FEATURE)"
  if [ "$FEATURE" -ge "$MIN_JAVA" ] 2>/dev/null; then
    JAVA="$bin"
    JAVA_FEATURE="$FEATURE"
    JAVA_HOME_FOUND="$REAL_HOME"
    return 0
  fi
  return 1
}

find_java() {
  local bin
  JDK_SEEN=""
  # the cheap candidates first; the /usr/lib/jvm listing only when none of them will do
  if [ -n "${CAPSTAN_JAVA:-}" ] && try_java "$CAPSTAN_JAVA"; then return 0; fi
  if [ -n "${JAVA_HOME:-}" ] && try_java "$JAVA_HOME/bin/java"; then return 0; fi
  if bin="$(command -v java 2>/dev/null)" && try_java "$bin"; then return 0; fi
  while IFS= read -r bin; do
    if try_java "$bin"; then return 0; fi
  done < <(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -V -r)
  printf 'capstan: %s\n' "no JDK $MIN_JAVA or newer found; looked at:${JDK_SEEN:- nothing}." >&2
  printf 'capstan: %s\n' "Install one (for example: apt-get install openjdk-21-jdk-headless, or Temurin 21+)" >&2
  printf 'capstan: %s\n' "and point JAVA_HOME at it, or set CAPSTAN_JAVA to its bin/java." >&2
  exit 1
}
