#!/usr/bin/env bash
# Starts throw-away test brokers on free loopback ports and prints how to reach them.
#   start.sh [mqtt] [mqtt-auth] [kafka]      (no argument: all three)
# State (configs, data, logs, pids, ports) lives in $STREAM_BROKERS_DIR (default: a temp dir
# reused between calls). Each broker writes "<name>.env" there with KEY=VALUE lines, and the
# same lines go to stdout. Starting a broker whose pid is still alive does nothing; starting one
# that was stopped reuses its port and data, which is how tests restart a broker mid-stream.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
state="${STREAM_BROKERS_DIR:-${TMPDIR:-/tmp}/stream-test-brokers}"
mkdir -p "$state"
KAFKA_VERSION="${KAFKA_VERSION:-$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")}"
KAFKA_CACHE="${KAFKA_CACHE:-$HOME/.cache/node-red-contrib-stream-processing/kafka-$KAFKA_VERSION}"

log() { echo "test-brokers: $*" >&2; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Reuses the port a broker had before, so clients reconnect to the same address after a restart.
port_for() {
  local f="$state/$1.port"
  [ -s "$f" ] || free_port > "$f"
  cat "$f"
}

alive() { [ -s "$state/$1.pid" ] && kill -0 "$(cat "$state/$1.pid")" 2>/dev/null; }

wait_port() { # name port seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; then return 0; fi
    alive "$1" || { log "$1 exited during start-up; see $state/$1.log"; tail -n 20 "$state/$1.log" >&2 || true; return 1; }
    sleep 0.1
  done
  log "$1 did not listen on $2 within $3 s"; return 1
}

mosquitto_bin() {
  command -v mosquitto 2>/dev/null || { [ -x /usr/sbin/mosquitto ] && echo /usr/sbin/mosquitto; } || return 1
}

mqtt_conf() { # dir port ws-port (empty: no websockets listener)
  cat <<CONF
# Plain broker for the tests: anonymous, persistent so QoS 1/2 sessions survive a restart.
per_listener_settings false
allow_anonymous true
persistence true
persistence_location $1/data/
# Fast publishers must not lose QoS 1/2 messages to the default 1000-message queue limit.
max_queued_messages 1000000
autosave_interval 1
log_dest file $state/mqtt.log
log_type error
log_type warning
log_type notice
listener $2 127.0.0.1
CONF
  if [ -n "$3" ]; then
    # MQTT over WebSockets (ws://) on a second port of the same broker. Without ipv4 only,
    # libwebsockets ignores the address and listens on every interface.
    printf 'listener %s 127.0.0.1\nprotocol websockets\nsocket_domain ipv4\n' "$3"
  fi
  if [ "$(id -u)" = 0 ]; then echo "user root"; fi
}

start_mqtt() {
  local name=mqtt bin port wport dir
  bin="$(mosquitto_bin)" || { log "mosquitto not installed"; return 1; }
  port="$(port_for $name)"; wport="$(port_for $name-ws)"; dir="$state/$name"
  mkdir -p "$dir/data"
  # A mosquitto built without websockets refuses the ws listener: it then runs without one
  # (remembered here), and MQTT_WS_URL is left out so the ws tests can say why they cannot run.
  [ -f "$dir/no-websockets" ] && wport=""
  if ! alive $name; then
    mqtt_conf "$dir" "$port" "$wport" > "$dir/mosquitto.conf"
    "$bin" -c "$dir/mosquitto.conf" >> "$state/$name.log" 2>&1 &
    echo $! > "$state/$name.pid"
    if ! wait_port $name "$port" 10; then
      [ -n "$wport" ] && grep -qi 'websockets support not available' "$state/$name.log" || return 1
      log "this mosquitto has no websockets support: starting it without the ws:// listener"
      touch "$dir/no-websockets"; wport=""
      mqtt_conf "$dir" "$port" "" > "$dir/mosquitto.conf"
      "$bin" -c "$dir/mosquitto.conf" >> "$state/$name.log" 2>&1 &
      echo $! > "$state/$name.pid"
      wait_port $name "$port" 10
    fi
    if [ -n "$wport" ]; then wait_port $name "$wport" 10; fi
  fi
  {
    echo "MQTT_URL=mqtt://127.0.0.1:$port"
    if [ -n "$wport" ]; then echo "MQTT_WS_URL=ws://127.0.0.1:$wport"; fi
  } | tee "$state/$name.env"
}

start_mqtt_auth() {
  local name=mqtt-auth bin port tport dir
  bin="$(mosquitto_bin)" || { log "mosquitto not installed"; return 1; }
  port="$(port_for $name)"; tport="$(port_for $name-tls)"; dir="$state/$name"
  mkdir -p "$dir"
  if [ ! -s "$dir/server.crt" ]; then
    # A throw-away CA and a server certificate for 127.0.0.1/localhost, valid for two days.
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=stream-test-ca" \
      -keyout "$dir/ca.key" -out "$dir/ca.crt" >/dev/null 2>&1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
      -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$dir/san.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
      -days 2 -extfile "$dir/san.ext" -out "$dir/server.crt" >/dev/null 2>&1
    : > "$dir/passwd"
    mosquitto_passwd -b "$dir/passwd" stream stream-secret >/dev/null 2>&1
    chmod 600 "$dir/passwd"
  fi
  if ! alive $name; then
    cat > "$dir/mosquitto.conf" <<CONF
# Broker that needs a username/password: a plain listener and a TLS listener.
per_listener_settings false
allow_anonymous false
password_file $dir/passwd
listener $port 127.0.0.1
listener $tport 127.0.0.1
cafile $dir/ca.crt
certfile $dir/server.crt
keyfile $dir/server.key
persistence false
log_dest file $state/$name.log
log_type error
log_type warning
log_type notice
CONF
    [ "$(id -u)" = 0 ] && echo "user root" >> "$dir/mosquitto.conf"
    "$bin" -c "$dir/mosquitto.conf" >> "$state/$name.log" 2>&1 &
    echo $! > "$state/$name.pid"
    wait_port $name "$port" 10
    wait_port $name "$tport" 10
  fi
  {
    echo "MQTT_AUTH_URL=mqtt://127.0.0.1:$port"
    echo "MQTT_TLS_URL=mqtts://127.0.0.1:$tport"
    echo "MQTT_TLS_CA=$dir/ca.crt"
    echo "MQTT_USERNAME=stream"
    echo "MQTT_PASSWORD=stream-secret"
  } | tee "$state/$name.env"
}

fetch_kafka() {
  if [ -f "$KAFKA_CACHE/.complete" ]; then return 0; fi
  command -v java >/dev/null 2>&1 || { log "java not installed"; return 1; }
  command -v mvn >/dev/null 2>&1 || { log "mvn not installed"; return 1; }
  log "fetching Apache Kafka $KAFKA_VERSION from Maven Central into $KAFKA_CACHE"
  mkdir -p "$KAFKA_CACHE"
  # Batch mode, quiet, colourless. Maven 3.8 still writes bare colour-reset codes even then, so
  # those (and the blank lines they leave) are filtered out; errors still come through.
  mvn -B -q -ntp -Dstyle.color=never -f "$here/pom.xml" -Dkafka.version="$KAFKA_VERSION" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_CACHE/libs" 2>&1 \
    | sed -u -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e '/^[[:space:]]*$/d' >&2
  touch "$KAFKA_CACHE/.complete"
}

# A throw-away CA and a PKCS12 keystore for the Kafka TLS listeners (127.0.0.1/localhost, two
# days), plus a second CA that signed nothing, for tests of a client that trusts the wrong CA.
kafka_tls_material() { # dir
  local t="$1/tls"
  [ -s "$t/broker.p12" ] && return 0
  command -v openssl >/dev/null 2>&1 || { log "openssl not installed"; return 1; }
  mkdir -p "$t"
  (
    set -e
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=stream-test-kafka-ca" -keyout "$t/ca.key" -out "$t/ca.crt"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=stream-test-untrusted-ca" -keyout "$t/other-ca.key" -out "$t/other-ca.crt"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$t/broker.key" -out "$t/broker.csr"
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$t/san.ext"
    openssl x509 -req -in "$t/broker.csr" -CA "$t/ca.crt" -CAkey "$t/ca.key" -CAcreateserial -days 2 -extfile "$t/san.ext" -out "$t/broker.crt"
    openssl pkcs12 -export -name broker -in "$t/broker.crt" -inkey "$t/broker.key" -certfile "$t/ca.crt" -passout pass:stream-test -out "$t/broker.p12.tmp"
    # Kafka reads the keystore with Java: make sure it can before a broker start depends on it.
    keytool -list -storetype PKCS12 -keystore "$t/broker.p12.tmp" -storepass stream-test
  ) > "$t/generate.log" 2>&1 || { log "generating Kafka TLS material failed; see $t/generate.log"; tail -n 5 "$t/generate.log" >&2; return 1; }
  mv "$t/broker.p12.tmp" "$t/broker.p12"
}

start_kafka() {
  local name=kafka port cport sport tport stport dir id i
  command -v java >/dev/null 2>&1 || { log "java not installed"; return 1; }
  fetch_kafka
  port="$(port_for $name)"; cport="$(port_for $name-controller)"; sport="$(port_for $name-sasl)"
  tport="$(port_for $name-ssl)"; stport="$(port_for $name-sasl-ssl)"
  dir="$state/$name"; mkdir -p "$dir"
  kafka_tls_material "$dir"
  if ! alive $name; then
    cat > "$dir/server.properties" <<CONF
# Single-node KRaft broker+controller for the tests; everything replicated once, no waiting.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$port,SASL_PLAINTEXT://127.0.0.1:$sport,SSL://127.0.0.1:$tport,SASL_SSL://127.0.0.1:$stport,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port,SASL_PLAINTEXT://127.0.0.1:$sport,SSL://127.0.0.1:$tport,SASL_SSL://127.0.0.1:$stport
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_stream="stream-secret";
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_stream="stream-secret";
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
# Server-side TLS only (clients are not asked for a certificate).
ssl.keystore.type=PKCS12
ssl.keystore.location=$dir/tls/broker.p12
ssl.keystore.password=stream-test
ssl.key.password=stream-test
ssl.client.auth=none
log.dirs=$dir/data
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=1000
auto.create.topics.enable=true
log.flush.interval.messages=1
CONF
    if [ ! -f "$dir/data/meta.properties" ]; then
      # KRaft cluster ids are 16 random bytes in URL-safe base64 without padding (22 characters);
      # one that starts with "-" would be read as an option by the storage tool, so draw again.
      id="$(node -e 'let s; do s = require("crypto").randomBytes(16).toString("base64url"); while (s[0] === "-"); console.log(s)')"
      java -cp "$KAFKA_CACHE/libs/*" kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" \
        --add-scram 'SCRAM-SHA-256=[name=stream,password=stream-secret]' \
        --add-scram 'SCRAM-SHA-512=[name=stream,password=stream-secret]' > "$state/$name.format.log" 2>&1 \
        || { log "formatting KRaft storage failed"; cat "$state/$name.format.log" >&2; return 1; }
    fi
    # shellcheck disable=SC2086
    java ${KAFKA_HEAP_OPTS:--Xms512m -Xmx512m} -XX:+UseG1GC -Djava.awt.headless=true \
      -cp "$KAFKA_CACHE/libs/*" kafka.Kafka "$dir/server.properties" >> "$state/$name.log" 2>&1 &
    echo $! > "$state/$name.pid"
    wait_port $name "$port" 90
    for ((i = 0; i < 600; i++)); do
      grep -q 'Kafka Server started' "$state/$name.log" && break
      alive $name || { log "kafka exited; see $state/$name.log"; tail -n 30 "$state/$name.log" >&2; return 1; }
      sleep 0.1
    done
  fi
  {
    echo "KAFKA_BROKERS=127.0.0.1:$port"
    echo "KAFKA_SASL_BROKERS=127.0.0.1:$sport"
    echo "KAFKA_SSL_BROKERS=127.0.0.1:$tport"
    echo "KAFKA_SASL_SSL_BROKERS=127.0.0.1:$stport"
    echo "KAFKA_TLS_CA=$dir/tls/ca.crt"
    echo "KAFKA_TLS_OTHER_CA=$dir/tls/other-ca.crt"
    echo "KAFKA_USERNAME=stream"
    echo "KAFKA_PASSWORD=stream-secret"
  } | tee "$state/$name.env"
}

which=("$@"); [ ${#which[@]} -gt 0 ] || which=(mqtt mqtt-auth kafka)
for b in "${which[@]}"; do
  case "$b" in
    mqtt) start_mqtt ;;
    mqtt-auth) start_mqtt_auth ;;
    kafka) start_kafka ;;
    fetch-kafka) fetch_kafka ;;
    *) log "unknown broker '$b' (allowed: mqtt, mqtt-auth, kafka, fetch-kafka)"; exit 2 ;;
  esac
done
