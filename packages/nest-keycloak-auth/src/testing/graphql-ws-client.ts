/** How a WebSocket closed: its code and reason. */
export interface SocketClose {
  code: number;
  reason: string;
}

/** One result of a GraphQL operation, as the server sent it. */
export interface GraphqlResult<TData = Record<string, unknown>> {
  data?: TData | null;
  errors?: ReadonlyArray<{
    message: string;
    path?: ReadonlyArray<string | number>;
    extensions?: Record<string, unknown>;
  }>;
}

/** An operation started over the socket: its results, in order. */
export interface GraphqlWsOperation<TData = Record<string, unknown>> {
  /** The next result; undefined once the operation completed. Rejects with a close or error. */
  next(): Promise<GraphqlResult<TData> | undefined>;
  /** Stops the operation (graphql-ws `complete`). */
  stop(): void;
}

/** A graphql-ws client (`graphql-transport-ws`) against an app under test. */
export interface GraphqlWsTestClient {
  /** Resolves on `connection_ack`; rejects with the {@link SocketClose} if the socket closed first. */
  readonly acknowledged: Promise<void>;
  /** Resolves once the socket closed, whoever closed it. */
  readonly closed: Promise<SocketClose>;
  /** Starts a subscription, or a query or mutation over the socket. */
  subscribe<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): GraphqlWsOperation<TData>;
  /** Closes the socket (1000) and waits until it is closed. */
  close(): Promise<SocketClose>;
}

/**
 * Opens a graphql-ws connection to `url` (`ws://host:port/graphql`) at once, sending `token`
 * as `{ authorization: 'Bearer <token>' }` in `connection_init` (nothing when undefined; the
 * whole header value when it has a space, e.g. `'DPoP …'`). No retries. Needs the `graphql-ws`
 * and `ws` packages, loaded on first use, so the rest of the test kit does not.
 * @example
 * const client = await graphqlWsClient(`ws://127.0.0.1:${port}/graphql`, await keycloak.tokenFor('bob'));
 * await client.acknowledged;
 * const created = client.subscribe('subscription { itemCreated { id } }');
 */
export async function graphqlWsClient(url: string, token?: string): Promise<GraphqlWsTestClient> {
  const [{ createClient }, { WebSocket }] = await Promise.all([import('graphql-ws'), import('ws')]);
  let close!: (event: SocketClose) => void;
  const closed = new Promise<SocketClose>((resolve) => (close = resolve));
  let acknowledge!: () => void;
  const acknowledged = new Promise<void>((resolve, reject) => {
    acknowledge = resolve;
    void closed.then(reject);
  });
  // A rejection nobody awaits (a test of a refused socket) must not fail the run.
  acknowledged.catch(() => undefined);
  const authorization = token === undefined || token.includes(' ') ? token : `Bearer ${token}`;
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: authorization === undefined ? {} : { authorization },
    on: {
      connected: () => acknowledge(),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string | Buffer };
        close({ code, reason: String(reason) });
      },
    },
    onNonLazyError: () => undefined,
  });
  return {
    acknowledged,
    closed,
    subscribe: <TData>(query: string, variables?: Record<string, unknown>) =>
      operation<TData>(client.iterate<TData>({ query, variables })),
    close: async () => {
      await client.dispose();
      return closed;
    },
  };
}

function operation<TData>(
  results: AsyncIterableIterator<GraphqlResult<TData>>,
): GraphqlWsOperation<TData> {
  return {
    next: async () => {
      const result = await results.next();
      return result.done ? undefined : result.value;
    },
    stop: () => void results.return?.(),
  };
}
