import { accepted, created, noContent, NotFoundError, type StatusResult } from '../../lib';
import { routeStatus } from '../../lib/testing';
import { countKey, TagsController, TagStore } from '../e2e/fixtures/status-results.fixture';

/**
 * A controller unit test, as an app writes one: the controller is made with `new`, its methods
 * are called directly, and the decision is read without HTTP, from the helper's result
 * (`status`, `body`, `location`) and from `routeStatus()` (the route's default, or the status the
 * reply gives a value on that route).
 */
describe('what a handler decided, without HTTP', () => {
  let tags: TagStore;
  let controller: TagsController;
  beforeEach(() => {
    tags = new TagStore();
    controller = new TagsController(tags);
  });

  it('each decorator declares its default, readable with routeStatus()', () => {
    expect(routeStatus(TagsController, 'create')).toBe(201); // @Created
    expect(routeStatus(TagsController, 'use')).toBe(204); // @NoContent
    expect(routeStatus(TagsController, 'count')).toBe(202); // @Async
    expect(routeStatus(TagsController, 'put')).toBe(200); // no decorator: Nest's default
    expect(routeStatus(TagsController, 'misplaced')).toBe(201); // a plain POST: Nest's 201
    expect(routeStatus(TagsController, 'remove')).toBe(200);
  });

  it('@Created / created(): the entity is the 201; noContent() overrides it', () => {
    const made = controller.create({ name: 'urgent' });
    expect(made).toEqual({ id: 't1', name: 'urgent', uses: 0 });
    expect(routeStatus(TagsController, 'create', made)).toBe(201);

    const again = controller.create({ name: 'urgent' });
    expect(again).toEqual<StatusResult>({ status: 204, body: undefined, location: undefined });
    expect(again).toEqual(noContent());
    expect(routeStatus(TagsController, 'create', again)).toBe(204);

    const named = controller.createNamed({ name: 'later' });
    expect(named).toMatchObject({ status: 201, location: '/api/tags/by-name/later' });
    expect(named).toEqual(created(tags.find('later'), '/api/tags/by-name/later'));
  });

  it('@NoContent / noContent(): any value is the 204; created() overrides it', () => {
    const made = controller.use('fresh');
    expect(made).toEqual(created({ id: 't1', name: 'fresh', uses: 1 }, '/api/tags/fresh'));
    expect(routeStatus(TagsController, 'use', made)).toBe(201);

    const used = controller.use('fresh');
    expect(used).toEqual({ id: 't1', name: 'fresh', uses: 2 });
    expect(routeStatus(TagsController, 'use', used)).toBe(204);
  });

  it('a plain route: the value is the 200; created() overrides it', () => {
    const made = controller.put('blue');
    expect(made).toMatchObject({ status: 201, body: { name: 'blue' }, location: undefined });
    expect(routeStatus(TagsController, 'put', made)).toBe(201);
    const again = controller.put('blue');
    expect(routeStatus(TagsController, 'put', again)).toBe(200);
  });

  it('@Async / accepted(): the input is the 202; created() and noContent() override it', () => {
    const queued = controller.count({ names: ['b', 'a'] });
    expect(queued).toEqual(accepted({ names: ['a', 'b'] }));
    expect(routeStatus(TagsController, 'count', queued)).toBe(202);
    expect(routeStatus(TagsController, 'countPlain', controller.countPlain({ names: ['x'] }))).toBe(
      202,
    );

    tags.counts.set(countKey(['a', 'b']), { id: 'c1', total: 2 });
    const counted = controller.count({ names: ['a', 'b'] });
    expect(counted).toEqual(created({ id: 'c1', total: 2 }, '/api/tags/counts/c1'));
    expect(routeStatus(TagsController, 'count', counted)).toBe(201);

    const nothing = controller.count({ names: [] });
    expect(nothing).toEqual(noContent());
    expect(routeStatus(TagsController, 'count', nothing)).toBe(204);
  });

  it('accepted() from a route without @Async is refused, as the reply refuses it', () => {
    const answer = controller.misplaced({ name: 'x' });
    expect(() => routeStatus(TagsController, 'misplaced', answer)).toThrow(
      'accepted() was returned from TagsController.misplaced without @Async(queue)',
    );
  });

  it('the value conventions: null from a GET is 404, nothing returned is 204', () => {
    expect(routeStatus(TagsController, 'one', controller.one('none'))).toBe(404);
    tags.add('gone');
    expect(routeStatus(TagsController, 'remove', controller.remove('gone'))).toBe(204);
    expect(() => controller.remove('gone')).toThrow(NotFoundError);
  });

  it('asks for the value a promise resolves to, not the promise', () => {
    expect(() => routeStatus(TagsController, 'put', Promise.resolve(null))).toThrow(
      "routeStatus(): await TagsController.put's promise first.",
    );
  });

  it('names what is not a route', () => {
    expect(() => routeStatus(TagStore, 'find')).toThrow(
      'TagStore.find is not a route: give it @Get(), @Post() or another',
    );
  });
});
