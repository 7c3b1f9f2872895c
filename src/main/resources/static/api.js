// grocer's HTTP/JSON API as the page uses it: the google.api.http rules of src/main/proto, with messages in
// protobuf's JSON mapping (lowerCamelCase names, int64 as strings, enums by name, default values left out).

/** A failed call: the server's google.rpc.Status (code, message, details) and the HTTP status it came with. */
export class ApiError extends Error {
  constructor(status, httpStatus) {
    super(status.message || `HTTP ${httpStatus}`);
    this.code = status.code ?? 0;
    this.details = status.details ?? [];
    this.httpStatus = httpStatus;
  }
}

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw await errorOf(response);
  }
  return response.json();
}

async function errorOf(response) {
  try {
    return new ApiError(await response.json(), response.status);
  } catch {
    // Not grocer's JSON (e.g. a proxy's error page): the HTTP status is all there is to show.
    return new ApiError({}, response.status);
  }
}

/**
 * Follows a server stream sent as Server-Sent Events: each message is an unnamed event, and the end is one
 * event named "status" carrying the google.rpc.Status (code 0 when the stream ended well). Returns the
 * EventSource, so the caller can close it early.
 */
function follow(path, { onMessage, onEnd = () => {}, onError }) {
  const source = new EventSource(path);
  source.onmessage = (event) => onMessage(JSON.parse(event.data));
  source.addEventListener('status', (event) => {
    // Closing is what stops the browser from reconnecting and starting the stream over.
    source.close();
    const status = JSON.parse(event.data);
    if (status.code) {
      onError(new ApiError(status, 200));
    } else {
      onEnd();
    }
  });
  source.onerror = async () => {
    // CONNECTING: the connection dropped mid-stream and the browser is retrying by itself. CLOSED: the server
    // refused the stream before it began, with an HTTP error whose body EventSource does not show; asking once
    // more with fetch reads the server's Status.
    if (source.readyState === EventSource.CLOSED) {
      const again = new AbortController();
      const response = await fetch(path, { signal: again.signal }).catch(() => null);
      if (response && !response.ok) {
        onError(await errorOf(response));
      } else {
        again.abort(); // the second try streams after all: it is not read
        onError(new Error(`${path} could not be followed`));
      }
    }
  };
  return source;
}

const id = (value) => encodeURIComponent(value);

/** CreateUser: {displayName, email} in, the created User out. */
export const createUser = (user) => call('POST', '/v1/users', user);

/** ListUsers: calls onMessage with each {user, pageToken}, at most limit of them. */
export const listUsers = (limit, handlers) => follow(`/v1/users?limit=${limit}`, handlers);

/** RegisterOrder: {userId, items, deliveryAddress} in, the Order (with id, status, total) out. */
export const registerOrder = (order) => call('POST', '/v1/orders', order);

/** CancelOrder: the cancelled Order. */
export const cancelOrder = (orderId) => call('POST', `/v1/orders/${id(orderId)}:cancel`, {});

/** WatchOrder: calls onMessage with {change, order} for the current state, then for every change. */
export const watchOrder = (orderId, handlers) => follow(`/v1/orders/${id(orderId)}:watch`, handlers);
