import type { ApiLinks } from '../service/index.js';

/**
 * apiLinks are the API's paths as the service hands them out, written here beside the routes
 * that serve them (routes/files.ts serves `jobFile`). A stored job output keeps the link it was
 * given, so a path changed here reaches only outputs stored afterwards.
 */
export const apiLinks: ApiLinks = {
  jobFile: (jobId, name) => `/v1/jobs/${jobId}/files/${encodeURIComponent(name)}`,
};
