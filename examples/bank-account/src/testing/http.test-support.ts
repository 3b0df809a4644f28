/** What a test sees of a response: status, headers and the parsed JSON body. */
export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

/**
 * One HTTP request. An object `body` is sent as JSON, a string as it is (for malformed bodies);
 * the response must be JSON, as every response of the app is.
 */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Readonly<Record<string, string>> = {},
): Promise<Reply> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json', ...headers };
  }
  const response = await fetch(baseUrl + path, init);
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path} answered ${response.status} with a body that is not JSON: ${text}`);
  }
  return { status: response.status, headers: response.headers, body: parsed };
}
