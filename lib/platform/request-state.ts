import { IncomingMessage } from 'node:http';

/**
 * Per-request state, as typed slots. Each slot is made (`new RequestSlot`) and written by the one
 * part that owns it, and read only by parts that run after it for the same request: the state
 * flows forward, never back. This module knows no slot; the parts that own them do.
 *
 * Where the slots are kept is a matter of speed, measured (bench/): on a Fastify `request`, an
 * instance of one class, a property of ours costs ~20 ns. Express re-parents every `req`
 * (`Object.setPrototypeOf`), which gives each one a hidden class of its own, and any property
 * added to it then costs ~1.2 µs; so for Node's `IncomingMessage` the slots live in a WeakMap
 * (~0.16 µs an entry) and the request is left untouched.
 */
export class RequestSlot<T> {
  private static count = 0;
  /** Position of this slot in every request's list. */
  private readonly index = RequestSlot.count++;

  /** @param name what the slot holds, for debugging. */
  constructor(readonly name: string) {}

  /** The value the owner wrote for this request, if it wrote one yet. */
  get(request: object): T | undefined {
    const slots = slotsIfAny(request);
    return slots === undefined ? undefined : (slots[this.index] as T | undefined);
  }

  /** Written by the slot's owner. */
  set(request: object, value: T): void {
    slotsOf(request)[this.index] = value;
  }
}

type Slots = unknown[];

const SLOTS = Symbol('nestjs-status.requestSlots');
const onNodeRequests = new WeakMap<object, Slots>();

function slotsOf(request: object): Slots {
  if (request instanceof IncomingMessage) {
    let slots = onNodeRequests.get(request);
    if (slots === undefined) onNodeRequests.set(request, (slots = []));
    return slots;
  }
  const holder = request as { [SLOTS]?: Slots | null };
  return (holder[SLOTS] ??= []);
}

function slotsIfAny(request: object): Slots | undefined {
  return request instanceof IncomingMessage
    ? onNodeRequests.get(request)
    : ((request as { [SLOTS]?: Slots | null })[SLOTS] ?? undefined);
}

/**
 * Declares the slots' holder on Fastify's `Request` class, so that every request is built with it
 * and setting it later does not give requests a second hidden class (which would make Fastify's
 * own code, and every user's, slower on them). Fastify accepts declarations until it starts.
 */
export function declareFastifyState(instance: {
  decorateRequest?: (name: symbol, value: null) => unknown;
  hasRequestDecorator?: (name: symbol) => boolean;
}): void {
  if (typeof instance?.decorateRequest !== 'function') return;
  if (instance.hasRequestDecorator?.(SLOTS)) return;
  try {
    instance.decorateRequest(SLOTS, null);
  } catch {
    // Started already (an app initialised twice): requests get the holder when first used.
  }
}
