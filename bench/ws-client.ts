/**
 * The WebSocket load generator of `npm run bench` (bench/load.ts's wsLoad runs it as a child,
 * pinned where wrk would be): opens `connections` sockets to `url` with the token of
 * `tokenFile` in `Authorization: Bearer`, then on each socket sends `message` and waits for the
 * answer, again and again, for `seconds`: a closed loop of round trips, as wrk's connections are.
 * Prints one line, `ws-result {json}`: round trips, the answers' events other than `expect`,
 * socket errors, and the p50/p99 round-trip time.
 *
 *   node dist-bench/bench/ws-client.js <url> <tokenFile> <connections> <seconds> <message> <expect>
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const [url, tokenFile, connectionsText, secondsText, message, expect] = process.argv.slice(2);
const token = readFileSync(tokenFile, 'utf8').split('\n')[0];
const connections = Number(connectionsText);
const seconds = Number(secondsText);

const latenciesUs: number[] = [];
const unexpected: Record<string, number> = {};
let expected = 0;
let errors = 0;

function open(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`handshake answered ${response.statusCode}`)),
    );
  });
}

/** Round trips on one socket until `deadline`. */
function drive(socket: WebSocket, deadline: number): Promise<void> {
  return new Promise((resolve) => {
    let sentAt = 0;
    const send = () => {
      if (performance.now() >= deadline) return resolve();
      sentAt = performance.now();
      socket.send(message);
    };
    socket.on('message', (data: Buffer) => {
      latenciesUs.push((performance.now() - sentAt) * 1000);
      const event = eventOf(data);
      if (event === expect) expected++;
      else unexpected[event] = (unexpected[event] ?? 0) + 1;
      send();
    });
    socket.once('close', () => {
      if (performance.now() < deadline) errors++;
      resolve();
    });
    socket.once('error', () => errors++);
    send();
  });
}

function eventOf(data: Buffer): string {
  try {
    const parsed = JSON.parse(data.toString()) as { event?: unknown };
    return typeof parsed.event === 'string' ? parsed.event : 'no event';
  } catch {
    return 'not JSON';
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const sockets = await Promise.all(Array.from({ length: connections }, open));
  const started = performance.now();
  await Promise.all(sockets.map((socket) => drive(socket, started + seconds * 1000)));
  const durationUs = (performance.now() - started) * 1000;
  for (const socket of sockets) socket.close(1000);
  const sorted = latenciesUs.sort((a, b) => a - b);
  const result = {
    requests: latenciesUs.length,
    durationUs: Math.round(durationUs),
    expected,
    unexpected,
    errors,
    p50Us: Math.round(percentile(sorted, 50)),
    p99Us: Math.round(percentile(sorted, 99)),
  };
  process.stdout.write(`ws-result ${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`ws-client: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
