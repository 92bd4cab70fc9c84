import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { StatusModule } from '../../lib';
import { resolveShutdownOptions } from '../../lib/options/shutdown.options';

describe('shutdown options', () => {
  it('defaults to a 10 s drain and Retry-After: 1', () => {
    expect(resolveShutdownOptions()).toEqual({ drainMs: 10_000, retryAfterSeconds: 1 });
    expect(resolveShutdownOptions({ drainMs: undefined, retryAfterSeconds: 5 })).toEqual({
      drainMs: 10_000,
      retryAfterSeconds: 5,
    });
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 31, '100' as unknown as number])(
    'refuses drainMs %p, saying what it takes',
    (drainMs) => {
      expect(() => resolveShutdownOptions({ drainMs })).toThrow(
        /shutdown\.drainMs must be a whole number of milliseconds from 0 to 2147483647/,
      );
    },
  );

  it.each([0, 0.5, -2])('refuses retryAfterSeconds %p', (retryAfterSeconds) => {
    expect(() => resolveShutdownOptions({ retryAfterSeconds })).toThrow(
      /shutdown\.retryAfterSeconds must be a whole number of seconds, 1 or more/,
    );
  });

  it('fails the app at start-up on a wrong value: where forRoot is called, or once the factory ran', async () => {
    expect(() => StatusModule.forRoot({ shutdown: { drainMs: -5 } })).toThrow(/shutdown\.drainMs/);
    @Module({
      imports: [StatusModule.forRootAsync({ useFactory: () => ({ shutdown: { drainMs: -5 } }) })],
    })
    class WrongDrain {}
    await expect(Test.createTestingModule({ imports: [WrongDrain] }).compile()).rejects.toThrow(
      /shutdown\.drainMs/,
    );
  });
});
