import {
  Body,
  CallHandler,
  Controller,
  Get,
  Injectable,
  NestInterceptor,
  Param,
  Post,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ApiResponse } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { map } from 'rxjs';
import request from 'supertest';
import { Created, StatusModule } from '../../lib';
import { ADAPTERS, RunningApp, startApp } from '../support/http-app';

class BookDto {
  @IsString() title!: string;
}

interface Book {
  id: number;
  title: string;
}

/** One store for the app: the POST returns the very object later reads return. */
const shelf = new Map<number, Book>();

@Controller('books')
class BooksController {
  @Post()
  @Created()
  create(@Body() dto: BookDto): Book {
    const book = { id: shelf.size + 1, title: dto.title };
    shelf.set(book.id, book);
    return book;
  }

  @Post('async')
  @Created('/books/:id')
  async createLater(@Body() dto: BookDto): Promise<Book> {
    await new Promise((resolve) => setImmediate(resolve));
    return this.create(dto);
  }

  // Nest's default for a POST is 201: an undecorated one that answers a stored book.
  @Post(':id/touch')
  @ApiResponse({ status: 201, description: 'the book' })
  touch(@Param('id') id: string): Book | undefined {
    return shelf.get(Number(id));
  }

  @Get(':id')
  one(@Param('id') id: string): Book | null {
    return shelf.get(Number(id)) ?? null;
  }
}

/** An app-wide interceptor that reshapes every result as `{ data }`. */
@Injectable()
class WrapInData implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler) {
    return next.handle().pipe(map((data) => ({ data })));
  }
}

const APPS = [
  ['no interceptor of the app', []],
  [
    'an app-wide interceptor reshaping the body',
    [{ provide: APP_INTERCEPTOR, useClass: WrapInData }],
  ],
] as const;

describe.each(ADAPTERS)('@Created keeps its Location on %s', (_name, makeAdapter) => {
  describe.each(APPS)('with %s', (_case, providers) => {
    let running: RunningApp;
    let http: ReturnType<typeof request>;
    const wrapped = providers.length > 0;
    const bodyOf = (book: object) => (wrapped ? { data: book } : book);
    beforeAll(async () => {
      shelf.clear();
      running = await startApp(
        {
          imports: [StatusModule.forRoot()],
          controllers: [BooksController],
          providers: [...providers],
        },
        makeAdapter,
        // The reshaped body is not the schema the document gives.
        wrapped ? { contract: false } : {},
      );
      http = request(running.url);
    });
    afterAll(() => running.close());

    it('answers 201 with the Location of the entity the handler returned', async () => {
      const res = await http.post('/books').send({ title: 'Dune' });
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe('/books/1');
      expect(res.body).toEqual(bodyOf({ id: 1, title: 'Dune' }));
      const later = await http.post('/books/async').send({ title: 'Emma' });
      expect(later.status).toBe(201);
      expect(later.headers.location).toBe('/books/2');
      expect(later.body).toEqual(bodyOf({ id: 2, title: 'Emma' }));
    });

    it('never gives a Location to a later answer of the same object', async () => {
      const read = await http.get('/books/1');
      expect(read.status).toBe(200);
      expect(read.headers.location).toBeUndefined();
      expect(read.body).toEqual(bodyOf({ id: 1, title: 'Dune' }));
      const touched = await http.post('/books/2/touch');
      expect(touched.status).toBe(201);
      expect(touched.headers.location).toBeUndefined();
      expect(touched.body).toEqual(bodyOf({ id: 2, title: 'Emma' }));
    });
  });
});
