import type { ArgumentsHost } from '@nestjs/common';
import { isObservable, lastValueFrom } from 'rxjs';
import { StatusExceptionFilter } from '../../lib';
import { AllowedMethods } from '../../lib/platform/allowed-methods';
import { resolveStatusOptions as resolveOptions } from '../../lib/status-options.resolver';

function hostOf(type: string): ArgumentsHost {
  return {
    getType: () => type,
    switchToHttp: () => {
      throw new Error('an HTTP-only path was taken for a ' + type + ' context');
    },
  } as unknown as ArgumentsHost;
}

describe('StatusExceptionFilter in other contexts', () => {
  const filter = new StatusExceptionFilter(
    resolveOptions(),
    { httpAdapter: undefined } as never,
    new AllowedMethods(),
  );
  const error = new Error('rpc failure');

  it('returns a GraphQL error untouched, for the GraphQL layer to format', () => {
    expect(filter.catch(error, hostOf('graphql'))).toBe(error);
  });

  it.each(['rpc', 'ws'])('re-emits a %s error untouched as an erroring stream', async (type) => {
    const result = filter.catch(error, hostOf(type));
    expect(isObservable(result)).toBe(true);
    await expect(lastValueFrom(result as never)).rejects.toBe(error);
  });
});
