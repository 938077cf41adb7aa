/**
 * The report's part for issue 25: the same items through the three doors of one instance, REST
 * `GET /items`, a GraphQL `items` query and a `/ws` message round trip, on each adapter (cache-on
 * on Express, fastify on Fastify), measured in the same rounds. bench/run.ts adds the section.
 */
import {
  reqPerSec,
  roundRatios,
  spreadOf,
  spreadPct,
  statusSummary,
  type Measurement,
  cpuPerRequest,
  cpuRatios,
  spreadRange as range,
} from './report.js';

const oneDecimal = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

function row(label: string, m: Measurement, rest: Measurement): string {
  const same = m === rest;
  return `| ${[
    label,
    range(reqPerSec(m)),
    same ? '100 % (baseline)' : spreadPct(roundRatios(m, rest)),
    oneDecimal.format(m.load.p99Ms),
    range(spreadOf(cpuPerRequest(m))),
    same ? '100 % (baseline)' : spreadPct(cpuRatios(m, rest)),
    statusSummary(m),
  ].join(' | ')} |`;
}

/** The section, for each adapter whose REST `GET /items` and another door ran. */
export function doorsSection(all: Measurement[]): string[] {
  const find = (id: string) => all.find((m) => m.scenario.id === id);
  const tables = (
    [
      ['cache-on', 'Express'],
      ['fastify', 'Fastify'],
    ] as const
  ).flatMap(([instance, adapter]) => {
    const rest = find(`items:${instance}`);
    const graphql = find(`graphql:${instance}`);
    const ws = find(`ws:${instance}`);
    if (!rest || (!graphql && !ws)) return [];
    return [
      `**${adapter}** (${instance})`,
      '',
      '| door | req/s or round trips/s (median of rounds, min–max) | vs REST, per round (median, min–max) | p99 ms | app CPU µs per request (median of rounds, min–max) | CPU per request vs REST, per round | other answers than expected |',
      '| --- | --: | --: | --: | --: | --: | --- |',
      row('REST `GET /items`', rest, rest),
      ...(graphql ? [row('GraphQL `{ items { … } }`', graphql, rest)] : []),
      ...(ws ? [row('`/ws` `subscribe` round trip', ws, rest)] : []),
      '',
    ];
  });
  if (!tables.length) return [];
  return [
    '## REST, GraphQL and WebSocket (issue 25)',
    '',
    'The same instance, alice\'s token (a verified-token cache hit), in the same rounds: REST `GET /items` (20 items), `POST /graphql` with `{ items { id name owner createdAt updatedAt version } }` (the same 20 items through Apollo, `@AnyRole` on the field), and on `/ws` a closed loop of `{"event":"subscribe","data":{"topic":"items"}}` answered `subscribed` on 50 sockets opened before the run (bench/ws-client.ts, pinned where wrk runs; the handshake\'s token check is paid once per socket, each message passes `@AnyRole` and validation). The instances raise WS_MESSAGES_PER_SECOND and WS_SOCKETS_PER_PRINCIPAL so the limits do not answer in place of the gateway.',
    '',
    ...tables,
  ];
}
