import { InvalidStateTransitionError, NotFoundError } from '../../lib';
import { notFoundMessage } from '../ids/not-found-message';

/** 404 for an order id that names no order (the id is echoed only when it is a plain one). */
export class OrderNotFound extends NotFoundError {
  constructor(id: string | number) {
    super(notFoundMessage('order', id));
  }
}

/** 409: the order's state machine refuses to cancel it (it has shipped). */
export class OrderNotCancellable extends InvalidStateTransitionError {
  static readonly code = 'INVALID_STATE_TRANSITION';
  constructor(id: number, status: string) {
    super(
      { from: status, to: 'cancelled' },
      `Order ${id} cannot be cancelled because it has already been ${status}.`,
    );
  }
}
