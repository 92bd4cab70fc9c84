/** One request of the soak's mix, as autocannon takes it. */
export interface SoakRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What the mix needs from the running sample. */
export interface SoakContext {
  /** The current ETag of user 1, for a 304. */
  userEtag: string;
  /** An admin's bearer token, for a 200 on `/api/profile`. */
  token: string;
}

const json = { 'content-type': 'application/json' };
const thisYear = new Date().getUTCFullYear();

/**
 * The mix autocannon's connections cycle through: reads (200, 304) and every error path of the
 * guide (400, 401, 404, 405, 409, 422). Nothing in it grows the database: writes fail validation
 * or conflict. Report jobs are sent beside it by the soak itself (see `reportBodies`), which
 * reads each 202 and follows the job; 429s come from the rate limit sitting under the drive rate.
 */
export function soakMix(context: SoakContext): SoakRequest[] {
  return [
    { method: 'GET', path: '/api/users/1' },
    { method: 'GET', path: '/api/users/1', headers: { 'if-none-match': context.userEtag } },
    { method: 'POST', path: '/api/users', headers: json, body: '{"name":"","email":"nope"}' },
    { method: 'POST', path: '/api/users', headers: json, body: '{ "name": "Ada", "email": }' },
    {
      method: 'POST',
      path: '/api/users',
      headers: json,
      body: '{"name":"A","email":"admin@example.com"}',
    },
    { method: 'GET', path: '/api/documents/42', headers: { 'if-none-match': '"v5"' } },
    {
      method: 'PUT',
      path: '/api/documents/42',
      headers: { ...json, 'if-match': '"v1"' },
      body: '{"title":"t","body":"b"}',
    },
    { method: 'GET', path: '/api/profile' },
    { method: 'GET', path: '/api/profile', headers: { authorization: `Bearer ${context.token}` } },
    { method: 'GET', path: '/api/profile', headers: { authorization: 'Bearer not.a.token' } },
    { method: 'GET', path: '/api/no/such/route' },
    { method: 'DELETE', path: '/api/users/1' },
    { method: 'POST', path: '/api/orders/1/cancel' },
    { method: 'GET', path: '/api/repos/2' },
    { method: 'GET', path: '/api/reports/jobs/rpt-unknown' },
    { method: 'GET', path: '/api/users?page=1&limit=5' },
  ];
}

/**
 * Bodies of `POST /api/reports`, taken in turn: half end succeeded (a closed year), half failed
 * by design (the books of a future year are not closed).
 */
export const reportBodies = [
  JSON.stringify({ type: 'quarterly', year: thisYear - 1 }),
  JSON.stringify({ type: 'annual', year: thisYear + 1 }),
  JSON.stringify({ type: 'annual', year: thisYear - 1 }),
  JSON.stringify({ type: 'quarterly', year: thisYear + 1 }),
];
