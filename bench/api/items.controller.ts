import { Body, Controller, Get, Post, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Created } from '../../lib';
import { CreateItemDto, LARGE, SMALL } from './payloads';

/** The reads, the same on both variants; the 429 scenario asks `/limited` of the rate-limited servers. */
@Controller()
export class ReadsController {
  @Get('small')
  small() {
    return SMALL;
  }

  @Get('large')
  large() {
    return LARGE;
  }

  @Get('limited')
  limited() {
    return SMALL;
  }
}

let nextId = 1;

/** `POST /items` as a user writes it with bare Nest: the `Location` set by hand through the adapter. */
@Controller('items')
export class BareItemsController {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  @Post()
  create(@Body() dto: CreateItemDto, @Res({ passthrough: true }) response: unknown) {
    const item = { id: nextId++, name: dto.name, email: dto.email };
    this.adapterHost.httpAdapter.setHeader(response, 'Location', `/items/${item.id}`);
    return item;
  }
}

/** `POST /items` with the library: `@Created()` gives the 201 and `Location: /items/{id}`. */
@Controller('items')
export class OursItemsController {
  @Post()
  @Created()
  create(@Body() dto: CreateItemDto) {
    return { id: nextId++, name: dto.name, email: dto.email };
  }
}
