import { Injectable } from '@nestjs/common';
import { SampleDatabase } from '../database/sample-database';
import { parseId } from '../ids/numeric-id';
import { OrderNotCancellable, OrderNotFound } from './order.errors';

export type OrderStatus = 'pending' | 'shipped' | 'cancelled';

export interface Order {
  id: number;
  status: OrderStatus;
}

/** Where each state may go. Cancelling twice is allowed: it changes nothing. */
const TRANSITIONS: Record<OrderStatus, OrderStatus[]> = {
  pending: ['shipped', 'cancelled'],
  shipped: [],
  cancelled: ['cancelled'],
};

/** Orders in SQLite, moved through a small state machine. */
@Injectable()
export class OrdersService {
  constructor(private readonly database: SampleDatabase) {}

  /** Reads and changes the order in one immediate transaction: the state it checked is the one it changes. */
  cancel(id: string): Promise<Order> {
    const numeric = parseId(id);
    return this.database.write((db) => {
      const order =
        numeric === undefined
          ? undefined
          : (db.prepare('SELECT id, status FROM orders WHERE id = ?').get(numeric) as
              Order | undefined);
      if (!order) throw new OrderNotFound(id);
      if (!TRANSITIONS[order.status].includes('cancelled')) {
        throw new OrderNotCancellable(order.id, order.status);
      }
      db.prepare("UPDATE orders SET status = 'cancelled' WHERE id = ?").run(order.id);
      return { id: order.id, status: 'cancelled' as const };
    });
  }
}
