# Shared by the sparkconv launcher scripts: the repo root, the build when sources changed, and the
# Maven-resolved classpath (Spark included, so no Spark distribution is needed). Source it.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
classpath_file=$root/jobs/target/classpath.txt
# The launcher's class-data-sharing archive (see scripts/sparkconv), for its class path and any that extends it: one
# per java binary, as another JVM build refuses an archive with an error line.
java_binary=$(readlink -f "$(command -v "${JAVA:-java}")" 2>/dev/null || echo "${JAVA:-java}")
cds_archive=$root/jobs/target/sparkconv-cds-$(printf %s "$java_binary" | cksum | cut -d' ' -f1).jsa

app_jar() {
  ls "$root"/jobs/target/sparkconv-jobs-*-all.jar 2>/dev/null | head -n 1 || true # none before the first build
}

# Builds (tests skipped) when the shaded jar or the classpath is missing or older than a source file.
ensure_built() {
  local jar
  jar=$(app_jar)
  if [ -n "$jar" ] && [ -s "$classpath_file" ] && [ -z "$(find "$root"/pom.xml "$root"/operators "$root"/io "$root"/jobs \
      -newer "$jar" \( -name '*.java' -o -name 'pom.xml' \) -not -path '*/target/*' -print -quit)" ]; then
    return
  fi
  echo "sparkconv: building (mvn package, tests skipped)..." >&2
  (cd "$root" && mvn -q -B -DskipTests package) >&2 # jobs writes its classpath.txt while building
}

# Keep Spark's driver, master and workers on loopback unless told otherwise.
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}

# conf/jvm.options (the one source of JVM flags) on one line, for spark.{driver,executor}.extraJavaOptions.
jvm_flags() {
  grep -v '^\s*\(#\|$\)' "$root/conf/jvm.options" | tr '\n' ' ' | sed 's/ $//'
}
