# Sourced by ./capstan, ./run-tests and .ci/run: finds a JDK >= MIN_JAVA (default 21).
# Looks at CAPSTAN_JAVA, JAVA_HOME, java on PATH, then /usr/lib/jvm/* (newest first).
# Sets JAVA (the java binary), JAVA_FEATURE (21, 25, ...) and JAVA_HOME_FOUND, or exits 1 with
# a message naming what it looked at.

MIN_JAVA="${MIN_JAVA:-21}"

# The feature version (21, 25, ...) of a java binary, read from its JDK's release file when there
# is one (no JVM start needed), else from the JVM itself.
java_feature() {
  local bin="$1" home version
  home="$(dirname "$(dirname "$(readlink -f "$bin")")")"
  if [ -r "$home/release" ]; then
    version="$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$home/release")"
    if [ "$version" = "1" ]; then version=8; fi
  else
    version="$("$bin" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = \([0-9.]*\).*/\1/p')"
    version="${version#1.}"
  fi
  printf '%s' "${version:-0}"
}

find_java() {
  local candidates=() bin seen=""
  [ -n "${CAPSTAN_JAVA:-}" ] && candidates+=("$CAPSTAN_JAVA")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  if command -v java >/dev/null 2>&1; then candidates+=("$(command -v java)"); fi
  while IFS= read -r bin; do candidates+=("$bin"); done < <(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -V -r)
  for bin in "${candidates[@]}"; do
    [ -x "$bin" ] || continue
    local feature
    feature="$(java_feature "$bin")"
    seen="$seen $bin($feature)"
    if [ "$feature" -ge "$MIN_JAVA" ] 2>/dev/null; then
      JAVA="$bin"
      JAVA_FEATURE="$feature"
      JAVA_HOME_FOUND="$(dirname "$(dirname "$(readlink -f "$bin")")")"
      return 0
    fi
  done
  printf 'capstan: %s\n' "no JDK $MIN_JAVA or newer found; looked at:${seen:- nothing}." >&2
  printf 'capstan: %s\n' "Install one (for example: apt-get install openjdk-21-jdk-headless, or Temurin 21+)" >&2
  printf 'capstan: %s\n' "and point JAVA_HOME at it, or set CAPSTAN_JAVA to its bin/java." >&2
  exit 1
}
