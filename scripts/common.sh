# Shared by the scripts in this folder: prerequisites and an up-to-date build.
# shellcheck shell=bash

SLABBIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SLABBIN_CLI="$SLABBIN_ROOT/target/slabbin-cli.jar"

# Installs what the build needs and is missing (cmake, a C compiler; fontconfig and a font, which
# the benchmark report's chart needs to measure its text) with apt-get where that is possible;
# otherwise says what to install. Java 17+ and Maven must be there already.
slabbin_prerequisites() {
  local missing=()
  command -v cmake >/dev/null 2>&1 || missing+=(cmake)
  command -v cc >/dev/null 2>&1 || missing+=(gcc)
  command -v make >/dev/null 2>&1 || missing+=(make)
  [[ -n $(fc-list 2>/dev/null | head -n 1) ]] || missing+=(fontconfig fonts-dejavu-core)
  if ((${#missing[@]})); then
    if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) == 0 ]]; then
      echo "slabbin: installing ${missing[*]} with apt-get" >&2
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
    else
      echo "slabbin: please install: ${missing[*]} (needed to build and test)" >&2
      return 1
    fi
  fi
  for tool in java mvn; do
    command -v "$tool" >/dev/null 2>&1 || { echo "slabbin: $tool is required (JDK 17+, Maven 3.8+)" >&2; return 1; }
  done
}

# Builds target/slabbin-cli.jar (the library and tools modules, tests skipped) if it is missing or
# older than any of their sources.
slabbin_ensure_built() {
  if [[ -f $SLABBIN_CLI ]] && [[ -z $(find "$SLABBIN_ROOT/pom.xml" "$SLABBIN_ROOT/src/slabbin" \
        "$SLABBIN_ROOT/src/slabbin-tools" "$SLABBIN_ROOT/native" "$SLABBIN_ROOT/cmake" \
        -newer "$SLABBIN_CLI" -not -path '*/test/*' -print -quit) ]]; then
    return 0
  fi
  slabbin_prerequisites
  echo "slabbin: building (mvn package, tests skipped) ..." >&2
  (cd "$SLABBIN_ROOT" && mvn -q -B -DskipTests -Dslabbin.skipSanitizers=true \
     -Dmaven.javadoc.skip=true -Dmaven.source.skip=true package >&2)
}

# The project's version, as the top pom.xml declares it (e.g. 0.1.0-SNAPSHOT).
slabbin_version() {
  sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$SLABBIN_ROOT/pom.xml" | head -n 1
}

# The java of JDK 25 (SLABBIN_JDK25_HOME, default /usr/lib/jvm/temurin-25-jdk-amd64) on standard
# output, or nothing and a message on standard error when there is none: callers skip their JDK 25
# part then.
slabbin_jdk25_java() {
  local home="${SLABBIN_JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
  if [[ -x $home/bin/java ]] && "$home/bin/java" -version 2>&1 | grep -q 'version "25'; then
    echo "$home/bin/java"
  else
    echo "slabbin: no JDK 25 at $home (set SLABBIN_JDK25_HOME): its part is skipped" >&2
  fi
}
