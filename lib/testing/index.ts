// `nestjs-status/testing`: for controller unit tests, which call a handler without HTTP.

/**
 * `routeStatus(Controller, 'method')`: the status a route's decorators declare; with the value
 * the handler returned, the status the reply sends for it. A helper's answer (`created()`,
 * `noContent()`, `accepted()`) shows its choice in its own fields (`status`, `body`, `location`).
 */
export { routeStatus } from '../responses/route-status';
