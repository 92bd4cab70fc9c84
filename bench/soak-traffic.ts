/** One request of the soak's mix, as autocannon takes it. */
export interface SoakRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Called with every answer (autocannon buffers the body only for requests that have it). */
  onResponse?: (status: number, body: string) => void;
}

/** What the mix needs from the running sample. */
export interface SoakContext {
  /** The current ETag of user 1, for a 304. */
  userEtag: string;
  /** An admin's bearer token, for a 200 on `/api/profile`. */
  token: string;
  /** Called with each `202` body of `POST /api/reports`. */
  onAccepted: (body: string) => void;
}

const json = { 'content-type': 'application/json' };
const thisYear = new Date().getUTCFullYear();

/**
 * The mix each connection cycles through: reads (200, 304), every error path of the guide (400,
 * 401, 404, 405, 409, 422), and report jobs (202), some of which fail by design (the books of a
 * future year are not closed). Nothing in it grows the database: writes either fail validation,
 * conflict, or replace a row with the same values. Rate-limited answers (429) come on top, from
 * the rate the soak drives at.
 */
export function soakMix(context: SoakContext): SoakRequest[] {
  const report = (type: string, year: number): SoakRequest => ({
    method: 'POST',
    path: '/api/reports',
    headers: json,
    body: JSON.stringify({ type, year }),
    onResponse: (status, body) => {
      if (status === 202) context.onAccepted(body);
    },
  });
  return [
    { method: 'GET', path: '/api/users/1' },
    report('quarterly', thisYear - 1),
    { method: 'GET', path: '/api/users/1', headers: { 'if-none-match': context.userEtag } },
    { method: 'POST', path: '/api/users', headers: json, body: '{"name":"","email":"nope"}' },
    report('annual', thisYear + 1),
    { method: 'POST', path: '/api/users', headers: json, body: '{ "name": "Ada", "email": }' },
    {
      method: 'POST',
      path: '/api/users',
      headers: json,
      body: '{"name":"A","email":"admin@example.com"}',
    },
    { method: 'GET', path: '/api/documents/42', headers: { 'if-none-match': '"v5"' } },
    report('annual', thisYear + 2),
    {
      method: 'PUT',
      path: '/api/documents/42',
      headers: { ...json, 'if-match': '"v1"' },
      body: '{"title":"t","body":"b"}',
    },
    { method: 'GET', path: '/api/profile' },
    { method: 'GET', path: '/api/profile', headers: { authorization: `Bearer ${context.token}` } },
    { method: 'GET', path: '/api/profile', headers: { authorization: 'Bearer not.a.token' } },
    report('quarterly', thisYear + 1),
    { method: 'GET', path: '/api/no/such/route' },
    report('annual', thisYear - 1),
    { method: 'DELETE', path: '/api/users/1' },
    { method: 'POST', path: '/api/orders/1/cancel' },
    { method: 'GET', path: '/api/repos/2' },
    { method: 'GET', path: '/api/reports/jobs/rpt-unknown' },
    report('quarterly', thisYear - 2),
    { method: 'GET', path: '/api/users?page=1&limit=5' },
  ];
}
