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
  (cd "$SLABBIN_ROOT" && mvn -q -B -DskipTests -Dslabbin.skipSanitizers=true package >&2)
}
