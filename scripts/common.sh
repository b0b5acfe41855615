# Shared by the scripts in this folder: prerequisites and an up-to-date build.
# shellcheck shell=bash

SLABBIN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SLABBIN_CLI="$SLABBIN_ROOT/target/slabbin-cli.jar"

# Whether Debian packages can be installed here: apt-get is there and we are root.
slabbin_can_apt() {
  command -v apt-get >/dev/null 2>&1 && [[ $(id -u) == 0 ]]
}

# Installs Debian packages (arguments as for apt-get install) with apt-get, if it is there and we
# are root; returns 1 otherwise or when the installation fails. Runs apt-get update once.
slabbin_apt_install() {
  slabbin_can_apt || return 1
  echo "slabbin: installing $* with apt-get" >&2
  if [[ -z ${SLABBIN_APT_UPDATED:-} ]]; then
    apt-get update -qq >&2 || return 1
    export SLABBIN_APT_UPDATED=1                  # also for the scripts this one calls
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

# Installs what the build needs and is missing (cmake, a C compiler; fontconfig and a font, which
# the benchmark report's chart needs to measure its text) with apt-get where that is possible;
# otherwise says what to install. Java 17+ and Maven must be there already.
slabbin_prerequisites() {
  local missing=()
  command -v cmake >/dev/null 2>&1 || missing+=(cmake)
  command -v cc >/dev/null 2>&1 || missing+=(gcc)
  command -v make >/dev/null 2>&1 || missing+=(make)
  [[ -n $(fc-list 2>/dev/null | head -n 1) ]] || missing+=(fontconfig fonts-dejavu-core)
  if ((${#missing[@]})) && ! slabbin_apt_install "${missing[@]}"; then
    echo "slabbin: please install: ${missing[*]} (needed to build and test)" >&2
    return 1
  fi
  for tool in java mvn; do
    command -v "$tool" >/dev/null 2>&1 || { echo "slabbin: $tool is required (JDK 17+, Maven 3.8+)" >&2; return 1; }
  done
}

# The project's version, as the top pom.xml declares it (e.g. 0.1.0-SNAPSHOT).
slabbin_version() {
  sed -n 's|^  <version>\(.*\)</version>$|\1|p' "$SLABBIN_ROOT/pom.xml" | head -n 1
}

# The library JAR that mvn package writes.
slabbin_library_jar() {
  echo "$SLABBIN_ROOT/target/slabbin/slabbin-$(slabbin_version).jar"
}

# The cross platforms scripts/build-natives knows, and "clang" (this machine's library built with
# clang as a compiler check). For each: the commands it needs and the Debian packages that bring
# them. Commands: the compiler first, then what runs the tests (optional: without it the tests are
# skipped with a message).
SLABBIN_CROSS_PLATFORMS=(linux-aarch64 win32-x86-64 linux-x86-64-musl clang)
declare -A SLABBIN_CROSS_TOOLS=(
  [linux-aarch64]="aarch64-linux-gnu-gcc /usr/aarch64-linux-gnu/include/stdio.h qemu-aarch64"
  [win32-x86-64]="x86_64-w64-mingw32-gcc wine64"
  [linux-x86-64-musl]="musl-gcc"
  [clang]="clang"
)
declare -A SLABBIN_CROSS_PACKAGES=(
  [linux-aarch64]="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user"
  [win32-x86-64]="gcc-mingw-w64-x86-64-win32 wine64"
  [linux-x86-64-musl]="musl-tools"
  [clang]="clang"
)

# Finds a tool: a command on PATH, an absolute path, or wine64 where Debian puts it.
slabbin_tool() {
  case $1 in
    /*) [[ -e $1 ]] && echo "$1" ;;
    wine64) command -v wine64 2>/dev/null ||
              { [[ -x /usr/lib/wine/wine64 ]] && echo /usr/lib/wine/wine64; } ;;
    *) command -v "$1" 2>/dev/null ;;
  esac
}

# slabbin_cross_prerequisites PLATFORM...: installs the missing toolchains of the given platforms
# with one apt-get call where that is possible. Never fails for want of root or apt: it says what
# is missing instead; scripts/build-natives then skips those platforms.
slabbin_cross_prerequisites() {
  local p t packages=()
  for p in "$@"; do
    for t in ${SLABBIN_CROSS_TOOLS[$p]}; do
      if [[ -z $(slabbin_tool "$t") ]]; then
        packages+=(${SLABBIN_CROSS_PACKAGES[$p]})
        break
      fi
    done
  done
  ((${#packages[@]})) || return 0
  if slabbin_can_apt; then
    slabbin_apt_install --no-install-recommends -o DPkg::Lock::Timeout=600 "${packages[@]}"
  else
    echo "slabbin: not root or no apt-get: not installing ${packages[*]};" \
      "the platforms that need them are skipped" >&2
  fi
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

# The home of the newest installed JDK of 22 or later (FFM with Linker.Option.critical) on
# standard output: SLABBIN_FFM_JDK if set, else the newest under /usr/lib/jvm or JAVA_HOME; nothing
# when there is none (callers skip their FFM part with a message then).
slabbin_ffm_jdk() {
  local best="" best_v=0 home v
  if [[ -n ${SLABBIN_FFM_JDK:-} ]]; then
    echo "$SLABBIN_FFM_JDK"
    return
  fi
  for home in /usr/lib/jvm/* ${JAVA_HOME:+"$JAVA_HOME"}; do
    [[ -x $home/bin/java && -x $home/bin/javac ]] || continue
    v=$("$home/bin/java" -XshowSettings:properties -version 2>&1 |
      awk -F' = ' '/java.specification.version/ {print $2}')
    [[ $v =~ ^[0-9]+$ ]] || continue
    if ((v >= 22 && v > best_v)); then
      best=$home best_v=$v
    fi
  done
  echo "$best"
}

# clang and its libFuzzer runtime, for scripts/fuzz: installs clang and libclang-rt-<version>-dev
# with apt-get when missing; returns 1, saying why, when -fsanitize=fuzzer still cannot link.
slabbin_fuzz_prerequisites() {
  if ! command -v clang >/dev/null 2>&1 && ! slabbin_apt_install --no-install-recommends clang; then
    echo "slabbin: clang not found and not installable here" >&2
    return 1
  fi
  slabbin_libfuzzer_links && return 0
  local rt
  rt="libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
  slabbin_apt_install --no-install-recommends "$rt" && slabbin_libfuzzer_links && return 0
  echo "slabbin: clang cannot link -fsanitize=fuzzer (libFuzzer runtime missing: $rt)" >&2
  return 1
}

# Whether clang links a libFuzzer program with ASan and UBSan.
slabbin_libfuzzer_links() {
  local dir rc
  dir=$(mktemp -d)
  printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
    'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
    > "$dir/probe.c"
  clang -fsanitize=fuzzer,address,undefined "$dir/probe.c" -o "$dir/probe" >/dev/null 2>&1
  rc=$?
  rm -rf "$dir"
  return $rc
}

# valgrind, for scripts/memcheck: installed with apt-get when missing; returns 1, saying so, when
# it is not there.
slabbin_valgrind_prerequisites() {
  command -v valgrind >/dev/null 2>&1 && return 0
  slabbin_apt_install --no-install-recommends valgrind && return 0
  echo "slabbin: valgrind not found and not installable here" >&2
  return 1
}

# The system allocators replay --system can preload: library file and the Debian package that
# brings it.
declare -A SLABBIN_SYSTEM_LIBRARIES=(
  [jemalloc]=libjemalloc.so.2
  [mimalloc]=libmimalloc.so.2
  [tcmalloc]=libtcmalloc_minimal.so.4
)
declare -A SLABBIN_SYSTEM_PACKAGES=(
  [jemalloc]=libjemalloc2
  [mimalloc]=libmimalloc2.0
  [tcmalloc]=libtcmalloc-minimal4
)

# slabbin_system_allocator_prerequisites NAME...: installs the Debian packages of the named
# system allocators (glibc and NAME=/path entries need none) whose library is missing, with one
# apt-get call when root; otherwise says which are skipped. Never fails: the replay skips an
# allocator it cannot find, with a message.
slabbin_system_allocator_prerequisites() {
  local name packages=()
  for name in "$@"; do
    [[ -n ${SLABBIN_SYSTEM_PACKAGES[$name]:-} ]] || continue
    # grep reads all of it (no -q): ldconfig must not die of SIGPIPE under pipefail.
    ldconfig -p 2>/dev/null | grep "^[[:space:]]*${SLABBIN_SYSTEM_LIBRARIES[$name]} " >/dev/null &&
      continue
    packages+=("${SLABBIN_SYSTEM_PACKAGES[$name]}")
  done
  ((${#packages[@]})) || return 0
  if ! slabbin_apt_install --no-install-recommends "${packages[@]}"; then
    echo "slabbin: not root, no apt-get or the installation failed: not installing" \
      "${packages[*]}; the replay skips those allocators" >&2
  fi
  return 0
}
