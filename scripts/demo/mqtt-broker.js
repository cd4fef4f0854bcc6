'use strict';
// The demo's in-process MQTT broker (Aedes), so `npm start` needs no external service. It only
// listens on the loopback interface and picks a free port unless one is asked for.
const net = require('net');
const Aedes = require('aedes');

/** Starts Aedes on 127.0.0.1; resolves to { url, port, close() }. */
function startMqttBroker(port = 0) {
  const aedes = Aedes();
  const server = net.createServer(aedes.handle);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const actual = server.address().port;
      resolve({
        url: `mqtt://127.0.0.1:${actual}`,
        port: actual,
        close: () =>
          new Promise((done) => {
            for (const client of Object.values(aedes.clients)) client.close();
            server.close(() => aedes.close(() => done()));
          }),
      });
    });
  });
}

module.exports = { startMqttBroker };
