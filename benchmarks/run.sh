#!/usr/bin/env bash
# Runs the ingestion-edge benchmark: builds the gateway and this module, then starts io.fleetstream.bench.EdgeBenchmark
# in a plain JVM, which starts its own Kafka broker and gateway on 127.0.0.1 and stops both when it ends.
#
#   benchmarks/run.sh                                   defaults: 10 s warm-up + 20 s measured per phase
#   benchmarks/run.sh -Dbench.measure=60s -Dbench.client=jdk
#   benchmarks/run.sh -Dbench.gateway.args="-Dfleetstream.ingest.producer.linger=1ms"   (raw phase too)
#   benchmarks/run.sh --no-build --help                 every option
#
# -D and -X options go to the benchmark JVM; --no-build skips the Maven build. Never run by ./mvnw verify or CI.
set -euo pipefail

cd "$(dirname "$0")/.."

build=true
jvm_args=()
args=()
for arg in "$@"; do
    case "$arg" in
        --no-build) build=false ;;
        -D*|-X*) jvm_args+=("$arg") ;;
        *) args+=("$arg") ;;
    esac
done

if [ -n "${JAVA_HOME:-}" ]; then
    java="$JAVA_HOME/bin/java"
else
    java="java"
fi

if "$build"; then
    echo "Building the gateway and the benchmark (./mvnw -B -ntp -q -pl services/ingest-gateway,benchmarks -am package -DskipTests)"
    ./mvnw -B -ntp -q -pl services/ingest-gateway,benchmarks -am package -DskipTests
fi

classpath_file="benchmarks/target/bench.classpath"
if [ ! -f "$classpath_file" ] || [ ! -d benchmarks/target/classes ]; then
    echo "The benchmark is not built: run benchmarks/run.sh without --no-build" >&2
    exit 1
fi

# exec: Ctrl-C reaches the benchmark JVM directly; its shutdown hooks and guards stop the gateway and the broker.
exec "$java" -Xmx1g \
    "-Djava.util.logging.SimpleFormatter.format=%1\$tT %4\$s %5\$s%6\$s%n" \
    ${jvm_args[@]+"${jvm_args[@]}"} \
    -cp "benchmarks/target/classes:$(cat "$classpath_file")" \
    io.fleetstream.bench.EdgeBenchmark ${args[@]+"${args[@]}"}
