/** Page is one page of a keyset-paged list, as the service's list use cases return it. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** allPages reads every page of a list, 100 at a time, and returns the items in order. */
export async function allPages<T>(read: (p: { limit: number; cursor: string | undefined }) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read({ limit: 100, cursor });
    items.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
