#!/usr/bin/env node
// A stand-in OTLP/HTTP collector for benchmarks with tracing on: it accepts every
// export (traces, metrics), answers 200 with an empty body, and prints what it got on exit.
//   node bench/lib/otlp-sink.mjs [--port 4318]
// then run a benchmark with OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { port: { type: 'string', default: '4318' } } });
const received = {};
const server = createServer((request, response) => {
  let bytes = 0;
  request.on('data', (chunk) => {
    bytes += chunk.length;
  });
  request.on('end', () => {
    const entry = (received[request.url] ??= { requests: 0, bytes: 0 });
    entry.requests += 1;
    entry.bytes += bytes;
    response.writeHead(200, { 'content-type': request.headers['content-type'] ?? 'application/x-protobuf' }).end();
  });
});
server.listen(Number(values.port), '127.0.0.1', () => process.stdout.write(`otlp sink on http://127.0.0.1:${values.port}\n`));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    process.stdout.write(`${JSON.stringify(received)}\n`);
    server.close(() => process.exit(0));
  });
}
