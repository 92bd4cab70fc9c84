import { Body, Controller, Get, Post, Res, UseGuards } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ThrottlerGuard } from '@nestjs/throttler';
import { CreateItemDto, LARGE, SMALL } from './payloads';

/**
 * The small API as a user writes it with bare Nest: `ValidationPipe`, `@nestjs/throttler`'s own
 * guard on `/limited`, and the `Location` of a created item set by hand through the adapter.
 * The "ours" variant serves the same controller until the library's own way of doing each
 * thing has landed (see `ours.module.ts`).
 */
@Controller()
export class ItemsController {
  private nextId = 1;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  @Get('small')
  small() {
    return SMALL;
  }

  @Get('large')
  large() {
    return LARGE;
  }

  @Post('items')
  create(@Body() dto: CreateItemDto, @Res({ passthrough: true }) response: unknown) {
    const item = { id: this.nextId++, name: dto.name, email: dto.email };
    this.adapterHost.httpAdapter.setHeader(response, 'Location', `/items/${item.id}`);
    return item;
  }

  @Get('limited')
  @UseGuards(ThrottlerGuard)
  limited() {
    return SMALL;
  }
}
