import type { ListOptions, ObjectInfo, ObjectStore } from './object-store.js';

/** The most keys one page holds: what one S3 ListObjectsV2 (or DeleteObjects) call takes. */
const MAX_PAGE_SIZE = 1000;

/** The page size a `list` call asked for, held to 1…1000 (1000 when it did not ask). */
export function pageSize(options: ListOptions): number {
  return Math.min(Math.max(options.limit ?? MAX_PAGE_SIZE, 1), MAX_PAGE_SIZE);
}

/** Every object under `prefix`, following each page's cursor to the next: `listAll` of any driver. */
export async function* listAllPages(
  store: Pick<ObjectStore, 'list'>,
  prefix: string,
): AsyncIterable<ObjectInfo> {
  let cursor: string | undefined;
  do {
    const page = await store.list(prefix, { cursor });
    yield* page.objects;
    cursor = page.nextCursor;
  } while (cursor);
}
