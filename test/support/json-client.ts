export interface JsonResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** POSTs JSON (or raw text with a given type) and returns status, parsed body and headers. */
export async function postJson<T = any>(
  baseUrl: string,
  path: string,
  body: unknown,
  options: { headers?: Record<string, string>; raw?: string } = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Keep the text: a non-JSON body is itself what some tests assert against.
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}
