import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { Throws } from '../../lib/openapi';
import { OrderNotCancellable } from './order.errors';
import { OrdersService } from './orders.service';

@Controller('api/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** 200 `{ id, status: "cancelled" }`; 409 once shipped (state machine); 404. */
  @Post(':id/cancel')
  @HttpCode(200)
  @Throws(OrderNotCancellable)
  cancel(@Param('id') id: string) {
    return this.orders.cancel(id);
  }
}
