#!/usr/bin/env bash
# Runs the JMH benchmarks on the JDK of $JAVA_HOME (default: the java on PATH) and writes
# benchmarks/results/jmh-<jdk>.json and .txt. Usage: benchmarks/run-jmh.sh [extra JMH args]
# CRYPTO=accp: with Amazon Corretto Crypto Provider installed first (results jmh-jdk<version>-accp.*).
set -euo pipefail
cd "$(dirname "$0")/.."
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[ -f benchmarks/target/benchmarks.jar ] || ./mvnw -B -q -ntp -DskipTests package -pl benchmarks -am
jdk=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.version = //p')
mkdir -p benchmarks/results
crypto=${CRYPTO:-jdk}
out="benchmarks/results/jmh-jdk$jdk"; [ "$crypto" = jdk ] || out="$out-$crypto"
echo "JMH on JDK $jdk ($java), crypto provider $crypto, $(nproc) cores -> $out.{json,txt}"
"$java" -jar benchmarks/target/benchmarks.jar -f 1 -wi 2 -w 2s -i 3 -r 3s -jvmArgsAppend "-Didp.crypto=$crypto" \
  -rf json -rff "$out.json" "$@" \
  | tee "$out.txt"
