import type { ArgumentsHost } from '@nestjs/common';

/**
 * The `ArgumentsHost` of an HTTP request answered below Nest (a framework's own error, a request
 * no router took), so the app's exception filter answers it as it answers any other.
 */
export function httpHost(request: unknown, response: unknown): ArgumentsHost {
  const args = [request, response];
  return {
    getType: () => 'http',
    getArgs: () => args,
    getArgByIndex: (index: number) => args[index],
    switchToHttp: () => ({
      getRequest: () => request,
      getResponse: () => response,
      getNext: () => undefined,
    }),
    switchToRpc: () => {
      throw new Error('not an RPC context');
    },
    switchToWs: () => {
      throw new Error('not a websocket context');
    },
  } as unknown as ArgumentsHost;
}
