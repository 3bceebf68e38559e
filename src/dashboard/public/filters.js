// The jobs list's filters: read from and written to the URL (so a view can be shared and
// reloaded), turned into the API's query, and matched against a job that changed live.

/** FILTERS are the list filters the URL and the API share (GET /v1/jobs, POST /v1/jobs/bulk filter). */
export const FILTERS = ['status', 'type', 'metadata', 'errorCode', 'priority', 'originalJobId', 'createdFrom', 'createdTo'];

/** readFilters reads the filters (and the page cursor) from a query string. */
export function readFilters(search) {
  const params = new URLSearchParams(search);
  const filters = {};
  for (const name of FILTERS) if (params.get(name)) filters[name] = params.get(name);
  return { filters, cursor: params.get('cursor') };
}

/** filterQuery is the filters (and cursor, when given) as a query string, without the `?`. */
export function filterQuery(filters, cursor) {
  const params = new URLSearchParams();
  for (const name of FILTERS) if (filters[name]) params.set(name, filters[name]);
  if (cursor) params.set('cursor', cursor);
  return params.toString();
}

/** bulkFilter is the filters as POST /v1/jobs/bulk takes them (priority a number). */
export function bulkFilter(filters) {
  const out = {};
  for (const name of FILTERS) if (filters[name]) out[name] = name === 'priority' ? Number(filters[name]) : filters[name];
  return out;
}

/** matches tells whether a job that changed belongs in the list the filters select, as the server would. */
export function matches(filters, job) {
  if (filters.status && !filters.status.split(',').includes(job.status)) return false;
  if (filters.type && job.type !== filters.type) return false;
  if (filters.metadata) {
    const colon = filters.metadata.indexOf(':');
    if (job.metadata?.[filters.metadata.slice(0, colon)] !== filters.metadata.slice(colon + 1)) return false;
  }
  if (filters.errorCode && job.error?.code !== filters.errorCode) return false;
  if (filters.priority && job.priority !== Number(filters.priority)) return false;
  if (filters.originalJobId && job.originalJobId !== filters.originalJobId) return false;
  if (filters.createdFrom && job.createdAt < new Date(filters.createdFrom).toISOString()) return false;
  if (filters.createdTo && job.createdAt >= new Date(filters.createdTo).toISOString()) return false;
  return true;
}
