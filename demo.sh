#!/usr/bin/env bash
# Runs the Fleetstream demo: builds the project, starts PostgreSQL, Kafka and the five services on loopback, replays
# the Beijing air-quality data set (data/beijing-air-quality) through the ingest gateway and prints what was stored.
#
#   ./demo.sh                      all 12 stations, 2013-03-01 to 2017-03-01, then keeps running until Ctrl-C
#   ./demo.sh --exit --stations dongsi,changping --from 2015-12-01 --to 2016-02-01
#   ./demo.sh --help               every option
#
# --no-build skips the Maven build (use it when nothing changed since the last run).
# Needs only Java 17 or newer; the Maven wrapper fetches Maven and the dependencies.
set -euo pipefail

cd "$(dirname "$0")"

build=true
args=()
for arg in "$@"; do
    case "$arg" in
        --no-build) build=false ;;
        --help|-h) build=false; args+=("$arg") ;;
        *) args+=("$arg") ;;
    esac
done

if [ -n "${JAVA_HOME:-}" ]; then
    java="$JAVA_HOME/bin/java"
else
    java="java"
fi

if "$build"; then
    echo "Building Fleetstream (./mvnw -B -q -DskipTests install); the first build downloads dependencies and takes a few minutes."
    ./mvnw -B -q -DskipTests install
fi

classpath_file="local-stack/target/demo.classpath"
if [ ! -f "$classpath_file" ] || [ ! -d local-stack/target/classes ]; then
    echo "local-stack is not built: run ./demo.sh without --no-build, or ./mvnw -DskipTests install" >&2
    exit 1
fi

# exec: the demo JVM replaces this shell, so Ctrl-C reaches it directly and its shutdown hook stops the stack.
exec "$java" -Xmx512m \
    "-Djava.util.logging.SimpleFormatter.format=%1\$tT %4\$s %5\$s%6\$s%n" \
    -cp "local-stack/target/classes:$(cat "$classpath_file")" \
    io.fleetstream.stack.Demo ${args[@]+"${args[@]}"}
